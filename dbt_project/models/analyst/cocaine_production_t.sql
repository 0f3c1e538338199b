-- Grain: country x year x estimator: potential production of cocaine in tonnes. UNODC and
-- the US government estimate it differently: split or filter on the estimator.
{{ production_measure_view(
    measure='potential_production', drug='cocaine', unit='t', measure_column='potential_production_t'
) }}
