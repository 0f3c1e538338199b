-- Grain: CBP family x month x component x area x substance x form (CBP's drug types name no
-- form). The nationwide family (OFO field offices and Border Patrol sectors) and Air and Marine
-- Operations are separate series: never add them.
{{ cbp_by_month_view(
    measure='quantity_kg',
    measure_column='seized_kg',
    rows_where="starts_with(family, 'cbp_') and measured_as = 'drug_weight' and quantity_kg is not null and not is_implausible",
) }}
