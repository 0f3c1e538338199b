-- Grain: family x country x year x drug group x substance x form, plant material only
-- (cannabis plants, coca bush and leaf, poppy plants, seeds) in UNODC's kilogram equivalents:
-- never in the same measure as drug weights. Implausible figures left out (seizures_flagged).
{{ seizures_by_year_view(
    measured_as='plant_material',
    quantity_column='plant_material_kg_equivalent',
    measure_column='seized_kg_equivalent'
) }}
