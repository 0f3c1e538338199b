-- Grain: country x year x estimator. UNODC and the US government (ONDCP) measure coca
-- differently: the estimator is part of the grain and a chart must split or filter on it.
{{ production_measure_view(measure='cultivation', drug='coca bush', unit='ha', measure_column='cultivation_ha') }}
