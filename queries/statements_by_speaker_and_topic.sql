-- What officials emphasise: statements per speaker, role (on the day they spoke) and topic, by year.
select
    dates.year,
    people.person_name as speaker,
    people.role,
    topics.label as topic,
    count(*) as statements
from fct_statements as statements
inner join dim_person as people on statements.person_key = people.person_key
inner join dim_date as dates on statements.date_key = dates.date_key
inner join bridge_statement_topics as bridge on statements.statement_key = bridge.statement_key
inner join dim_topic as topics on bridge.topic_key = topics.topic_key
where people.person_name <> 'Unknown speaker'
group by all
order by dates.year, statements desc, speaker
