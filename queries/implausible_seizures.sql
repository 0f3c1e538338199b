-- Seizure figures kept out of every total as implausible (orders of magnitude above the same
-- country's other years for the same drug), with the reason.
select country_name, year, drug_label, measured_as, quantity_kg, reason
from analyst.seizures_flagged
order by quantity_kg desc
