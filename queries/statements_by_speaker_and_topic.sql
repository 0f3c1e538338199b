-- What officials emphasise: statements per speaker, role (on the day they spoke) and topic, by
-- year. A statement on two topics counts under each.
select
    year(published_date) as year,
    speaker_name as speaker,
    speaker_role as role,
    topic_name as topic,
    count(*) as statements
from analyst.statement_topics
where speaker_name is not null and speaker_name <> 'Unknown speaker'
group by all
order by year, statements desc, speaker
