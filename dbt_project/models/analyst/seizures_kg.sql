-- Grain: family x country x year x drug group x substance x form. Drug weights only (plant
-- material is in plant_seizures_kg_equivalent), implausible figures left out (seizures_flagged).
-- Families are never added: UNODC's United States figures include what CBP seized.
{{ seizures_by_year_view(measured_as='drug_weight', quantity_column='quantity_kg', measure_column='seized_kg') }}
