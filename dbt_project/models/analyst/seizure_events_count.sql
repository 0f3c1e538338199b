-- Grain: CBP family x month x component x area x substance x form: the number of seizure
-- events CBP counts (`Count of Event`), apart from any weight.
{{ cbp_by_month_view(measure='events', measure_column='seizure_events', rows_where='events is not null') }}
