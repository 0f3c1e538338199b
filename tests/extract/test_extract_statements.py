"""One test per attribution pattern, plus the invariants every statement keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from drugtrade.extract.content import extract_article
from drugtrade.extract.statements import Statement, extract_statements


def pairs(body: str) -> list[tuple[str | None, str]]:
    return [(s.speaker, s.quote) for s in extract_statements(body)]


def one(body: str) -> Statement:
    found = extract_statements(body)
    assert len(found) == 1, found
    return found[0]


def test_quote_comma_name_said() -> None:
    body = (
        'Interior Minister Ana Ruiz Soto visited the port.\n\n"We will inspect every container," Ruiz said.'
    )
    statement = one(body)
    assert (statement.speaker, statement.quote) == ("Ana Ruiz Soto", "We will inspect every container,")
    assert statement.speaker_role == "Interior Minister"
    assert statement.attribution == "quote-speaker-verb"


def test_said_title_name_after_the_quote() -> None:
    body = '"The routes have moved east," said Colombian Defense Minister Pedro Sánchez Suárez, speaking in Bogotá.'
    statement = one(body)
    assert statement.speaker == "Pedro Sánchez Suárez"
    assert statement.speaker_role == "Defense Minister"
    assert statement.speaker_country == "COL"


def test_name_said_colon() -> None:
    body = 'Mexico\'s Security Secretary Rosa Icela Beltrán said: "The border is a shared problem and a shared task."'
    statement = one(body)
    assert statement.speaker == "Rosa Icela Beltrán"
    assert statement.speaker_country == "MEX"
    assert statement.attribution == "speaker-verb-colon"


def test_split_quote_continues_in_the_same_paragraph() -> None:
    body = '"We found the laboratory at dawn," police chief Raúl Vega said. "It was still warm."'
    assert pairs(body) == [
        ("Raúl Vega", "We found the laboratory at dawn,"),
        ("Raúl Vega", "It was still warm."),
    ]


def test_pronoun_resolves_to_the_last_person_named() -> None:
    body = (
        "US Secretary of State Rex Tillerson spoke in Mexico City.\n\n"
        '"We are the market," Tillerson said.\n\n'
        '"We must own this problem," he added.'
    )
    assert pairs(body) == [
        ("Rex Tillerson", "We are the market,"),
        ("Rex Tillerson", "We must own this problem,"),
    ]
    assert extract_statements(body)[1].speaker_country == "USA"


def test_partial_quotes_in_reported_speech_and_coordination() -> None:
    body = (
        "Prosecutor Laura Méndez charged the men on Friday. Rather, she went on to affirm that the case required "
        '"following the money to the banks" and "closing the companies that move it."'
    )
    assert pairs(body) == [
        ("Laura Méndez", "following the money to the banks"),
        ("Laura Méndez", "closing the companies that move it."),
    ]


def test_participial_stating() -> None:
    body = (
        "Guatemalan Foreign Minister Carlos Ramiro Martínez met his counterpart, stating, "
        '"Cooperation is the only route that works."'
    )
    statement = one(body)
    assert statement.speaker == "Carlos Ramiro Martínez"
    assert statement.attribution == "participial"


def test_possessive_surname_reference_gives_role_and_country() -> None:
    body = (
        "Mexican Foreign Relations Secretary Luis Videgaray Caso arrived on Tuesday.\n\n"
        'Mexico\'s Videgaray echoed the point, stating, "We need to overcome the blame game."'
    )
    statement = one(body)
    assert statement.speaker == "Luis Videgaray Caso"
    assert statement.speaker_role == "Foreign Relations Secretary"
    assert statement.speaker_country == "MEX"


def test_spanish_names_with_two_surnames_and_first_surname_reference() -> None:
    body = (
        "Interior Secretary Miguel Ángel Osorio Chong met the governors.\n\n"
        '"The states must do their part," Osorio Chong said.\n\n'
        'Osorio added: "Nobody can do this alone."'
    )
    assert pairs(body) == [
        ("Miguel Ángel Osorio Chong", "The states must do their part,"),
        ("Miguel Ángel Osorio Chong", "Nobody can do this alone."),
    ]


def test_organisations_speak() -> None:
    body = (
        "A report published by the Andean Crop Observatory counted more coca than ever.\n\n"
        '"Each hectare now yields more cocaine," the report said.\n\n'
        "Colombia's Ministry of Defense disagreed in a statement. "
        '"Seizures reached a record," the ministry said.'
    )
    found = extract_statements(body)
    assert [(s.speaker, s.quote) for s in found] == [
        ("Andean Crop Observatory", "Each hectare now yields more cocaine,"),
        ("Ministry of Defense", "Seizures reached a record,"),
    ]
    assert found[1].speaker_country == "COL"


def test_scare_quotes_are_not_statements() -> None:
    body = (
        'The president kept referring to Colombia\'s production of "cocoa" during the meeting. '
        'Years of the "war on drugs" have not obtained the results that were promised.'
    )
    assert extract_statements(body) == []


def test_unattributed_quote_is_kept_without_a_speaker() -> None:
    body = (
        '"The river gives us everything and the river takes everything."\n\n'
        "The phrase is painted on a school wall in Puerto Leguízamo."
    )
    statement = one(body)
    assert statement.speaker is None
    assert statement.attribution == "unattributed"


def test_unnamed_speaker_is_none_and_pronoun_after_unnamed_person_is_not_guessed() -> None:
    body = (
        "Police commander Julio Rivas said the patrols would continue.\n\n"
        'A farmer who asked not to be named said prices had fallen. "Nobody buys at the legal market," he said.\n\n'
        '"If you write my name, I cannot come back here," one boatman said.'
    )
    assert pairs(body) == [
        (None, "Nobody buys at the legal market,"),
        (None, "If you write my name, I cannot come back here,"),
    ]


def test_curly_and_nested_quotes() -> None:
    body = (
        "Public Security Minister Lorena Campos Ugalde spoke to reporters.\n\n"
        "“One trafficker wrote, ‘the port is sleeping, send everything,’ and he was right,” Campos said."
    )
    statement = one(body)
    assert statement.speaker == "Lorena Campos Ugalde"
    assert (
        statement.quote == "One trafficker wrote, ‘the port is sleeping, send everything,’ and he was right,"
    )


def test_quote_spanning_paragraphs() -> None:
    body = (
        "Psychiatrist Carolina Vélez Arango described a night shift.\n\n"
        '"The patients arrive in groups, usually after midnight.\n\n'
        '"We treat the symptoms we can see," Vélez said.'
    )
    assert pairs(body) == [
        ("Carolina Vélez Arango", "The patients arrive in groups, usually after midnight."),
        ("Carolina Vélez Arango", "We treat the symptoms we can see,"),
    ]
    assert extract_statements(body)[0].attribution == "continuation"


def test_two_speakers_in_one_paragraph() -> None:
    body = (
        "Dominican Defense Minister Rafael Peña Guzmán argued for joint patrols, saying "
        '"a speedboat does not stop at a line on a map," while Jamaican National Security Minister '
        'Andrew Bailey said that "sovereignty is not a technicality we can set aside."'
    )
    assert pairs(body) == [
        ("Rafael Peña Guzmán", "a speedboat does not stop at a line on a map,"),
        ("Andrew Bailey", "sovereignty is not a technicality we can set aside."),
    ]


def test_follow_on_paragraph_continues_the_last_speaker() -> None:
    body = (
        'Health Secretary Mauricio Lopera opened two clinics. "Prevention has to reach the schools," he said.\n\n'
        '"We are also training pharmacists to recognise an overdose."'
    )
    assert pairs(body)[1] == ("Mauricio Lopera", "We are also training pharmacists to recognise an overdose.")
    assert extract_statements(body)[1].attribution == "follow-on-paragraph"


def test_repeated_quote_and_pull_quote_count_once() -> None:
    body = (
        'Colonel Héctor Maradiaga Zelaya spoke at the base. "Every strip we destroy costs them a month," '
        "Maradiaga said.\n\n"
        '"Every strip we destroy costs them a month" - Héctor Maradiaga Zelaya\n\n'
        'Analysts said the army was right to focus on "every strip we destroy costs them a month."'
    )
    assert pairs(body) == [("Héctor Maradiaga Zelaya", "Every strip we destroy costs them a month,")]


def test_missing_closing_quote_ends_at_the_paragraph() -> None:
    body = (
        '"We need judges," Alba Castellanos, a spokeswoman for a merchants\' association, said. '
        '"Without them the arrests lead nowhere.\n\nCastellanos said shopkeepers paid twice.'
    )
    assert pairs(body) == [
        ("Alba Castellanos", "We need judges,"),
        ("Alba Castellanos", "Without them the arrests lead nowhere."),
    ]


def test_according_to() -> None:
    body = 'According to federal police superintendent Renata Lins, "They sold access to the ship, not the drug."'
    assert pairs(body) == [("Renata Lins", "They sold access to the ship, not the drug.")]


def test_acronym_organisation_and_unnamed_spokesman() -> None:
    body = (
        '"Go-fast boats reach the islands in a single night," the DEA said in a statement.\n\n'
        'A spokesman for the Regional Security System said the organisation was "reviewing its deployment."'
    )
    assert pairs(body) == [
        ("DEA", "Go-fast boats reach the islands in a single night,"),
        (None, "reviewing its deployment."),
    ]


def test_offsets_index_the_body_and_topics_come_from_the_taxonomy() -> None:
    body = (
        'Bolivian Vice Minister Óscar Gutiérrez Quispe spoke in La Paz. "We are removing the coca that feeds '
        'the laboratories," Gutiérrez said about the eradication campaign.'
    )
    statement = one(body)
    assert body[statement.start : statement.end] == statement.quote
    assert "eradication" in statement.topics and "production" in statement.topics


def test_no_quotes_no_statements() -> None:
    assert extract_statements("") == []
    assert extract_statements("Police seized two tons of cocaine.") == []


def test_real_article_statements(real_article: Path) -> None:
    body = extract_article(real_article.read_bytes(), url=real_article.as_uri()).body
    found = extract_statements(body)
    for statement in found:
        assert body[statement.start : statement.end] == statement.quote
    speakers = [s.speaker for s in found]
    assert speakers.count("Rex Tillerson") == 5
    assert speakers.count("Luis Videgaray Caso") == 2
    assert speakers.count("Donald Trump") == 2
    assert speakers.count("Juan Manuel Santos") == 1
    assert len(found) == 10  # scare quotes and repeated phrases are not counted
    roles = {s.speaker: (s.speaker_role, s.speaker_country) for s in found}
    assert roles["Rex Tillerson"] == ("Secretary of State", "USA")
    assert roles["Juan Manuel Santos"] == ("President", "COL")
    assert roles["Luis Videgaray Caso"] == ("Foreign Relations Secretary", "MEX")


@pytest.mark.parametrize("quote_marks", [('"', '"'), ("“", "”"), ("«", "»")])
def test_quote_mark_styles(quote_marks: tuple[str, str]) -> None:
    left, right = quote_marks
    body = f"{left}We will not negotiate with traffickers,{right} Senator Marta Lucía Ramírez said."
    assert pairs(body) == [("Marta Lucía Ramírez", "We will not negotiate with traffickers,")]


# ---- attribution cases of real news (issue 11); every text here is written for the test ----------


def test_title_descriptor_resolves_to_the_person_with_that_role() -> None:
    body = (
        "Colonel Marta Quiroga Vidal led the raid near the border.\n\n"
        "Farmers watched as the soldiers burned the crop.\n\n"
        '"We will come back every month until the fields are gone," added the colonel.'
    )
    statement = one(body)
    assert statement.speaker == "Marta Quiroga Vidal"
    assert statement.speaker_role == "Colonel"


def test_descriptor_with_nobody_named_stays_unattributed() -> None:
    body = '"The shipment was hidden among bananas and we found it by chance," the official said.'
    assert one(body).speaker is None


def test_pronoun_skips_a_person_named_inside_the_clause() -> None:
    body = (
        "Prosecutor Elena Barros Pinto spoke after the hearing.\n\n"
        'Barros said Judge Tomás Ibarra will rule next week. "The evidence against the network is strong and '
        'well documented," she said.'
    )
    assert one(body).speaker == "Elena Barros Pinto"


def test_rank_abbreviation_and_affiliation_between_name_and_verb() -> None:
    body = (
        '"The crew spotted the vessel at dawn and boarded it within the hour," Lt. Cmdr. Jonah Fairweather, '
        "commanding officer of the patrol cutter, said."
    )
    statement = one(body)
    assert statement.speaker == "Jonah Fairweather"


def test_us_attorney_with_dotted_acronym_and_affiliation() -> None:
    body = (
        '"These networks move money as fast as they move drugs," U.S. Attorney Dana Whitfield for the Southern '
        "District said."
    )
    statement = one(body)
    assert statement.speaker == "Dana Whitfield"
    assert statement.speaker_country == "USA"


def test_reporting_verbs_beyond_said() -> None:
    for verb in ("detailed", "remarked", "hailed", "explains", "informed", "argued", "pointed out"):
        body = f'"Every container from that port will now be scanned twice," Inspector Ruth Calloway {verb}.'
        assert one(body).speaker == "Ruth Calloway", verb


def test_press_release_dash_line_signs_the_quote_above() -> None:
    body = (
        "Border officers seized the parcels at the airport.\n\n"
        '"This interception shows what patient work by our officers can achieve for the whole region."\n\n'
        "- Priya Raman, Regional Director, Northern Region, Border Agency"
    )
    statement = one(body)
    assert statement.speaker == "Priya Raman"
    assert statement.attribution == "dash-line"


def test_unterminated_single_quote_after_a_colon_runs_to_the_next_paragraph() -> None:
    body = (
        "Defence minister Alan Hartley said: ‘This operation shows the navy’s value at sea.\n\n"
        "‘We are telling the gangs that no stretch of water is beyond our reach and we will keep going."
    )
    found = extract_statements(body)
    assert [s.speaker for s in found] == ["Alan Hartley", "Alan Hartley"]
    assert found[0].quote.startswith("This operation shows")


def test_organisation_cited_by_acronym_and_its_statement() -> None:
    body = (
        "The Ministry of Fisheries (MINPESCA) said in a statement that “inspectors boarded four trawlers "
        "and detained their crews” off the coast.\n\n"
        "The statement also said the crews carried “forged licences from three different ports”."
    )
    found = extract_statements(body)
    assert [s.speaker for s in found] == ["MINPESCA", "MINPESCA"]


def test_follow_on_sentence_keeps_the_speaker_of_the_paragraph_before() -> None:
    body = (
        '"We destroyed four laboratories in the valley this week," Major Iván Rocha Luna told reporters.\n\n'
        "In addition, “two tonnes of precursor chemicals and nine vehicles” were confiscated."
    )
    found = extract_statements(body)
    assert [s.speaker for s in found] == ["Iván Rocha Luna", "Iván Rocha Luna"]
    assert found[1].attribution == "follow-on-sentence"


def test_surname_in_capitals_belongs_to_the_name() -> None:
    body = 'Sergeant Paul MERCIER, of the Harbour Detachment stated, "Cooperation between forces made this arrest."'
    assert one(body).speaker == "Paul MERCIER"


def test_speaker_country_from_demonym_possessive_and_agency() -> None:
    assert one('"We found the cargo," said Peruvian naval inspector Rosa Quispe.').speaker_country == "PER"
    assert (
        one('"The routes are shifting," said Ecuador’s Interior Minister Mario Vélez.').speaker_country
        == "ECU"
    )
    body = '"The parcels came by air," said Corporal Dan Hughes of the Royal Canadian Mounted Police.'
    assert one(body).speaker_country == "CAN"


# ---- hostile input: the extractor returns, offsets stay valid, nothing is invented ----------------


@pytest.mark.parametrize(
    ("body", "speakers"),
    [
        ("“" * 10_000, []),
        ('"' * 10_001, []),
        # the same statement repeated is one statement
        (("\x00" * 50 + 'Director Ana Paz said: "the port is closed to all traffic." ') * 200, ["Ana Paz"]),
        ("word " * 100_000 + "“an opening mark and no end", [None]),
        ("‘" * 5_000 + "’" * 5_000, []),
    ],
    ids=["curly-opening-marks", "straight-marks", "nul-bytes", "one-huge-paragraph", "single-marks"],
)
def test_hostile_bodies_keep_offsets_and_invent_no_speaker(body: str, speakers: list[str | None]) -> None:
    found = extract_statements(body)
    assert [statement.speaker for statement in found] == speakers
    for statement in found:
        assert body[statement.start : statement.end] == statement.quote


def test_one_unintroduced_capitalised_word_is_not_a_speaker() -> None:
    body = 'Speaking in parliament, the Conservative MP said: "We cannot keep the ports closed all winter."'
    assert one(body).speaker is None


def test_a_private_person_does_not_take_the_country_the_article_is_about() -> None:
    body = (
        "Peru and Peruvian police reported record coca seizures in Peru this year.\n\n"
        '"It is safe over here and people want a safe area," said Michael Lopez Grant, 52.'
    )
    statement = one(body)
    assert statement.speaker == "Michael Lopez Grant"
    assert statement.speaker_country is None


def test_an_official_speaks_for_the_country_the_article_is_about() -> None:
    body = (
        "Police in Guyana seized a boat off the coast of Guyana on Friday.\n\n"
        '"The crew tried to dump the bales overboard," said Police Commissioner Clifton Hicken.'
    )
    assert one(body).speaker_country == "GUY"


def test_a_tweet_quoted_in_translation_speaks_for_the_account_that_posted_it() -> None:
    body = (
        "The coast guard reported the arrests on Monday.\n\n"
        "#Patrol| Texto en otro idioma sobre la operación pic.twitter.com/abc — GUARDIA COSTERA (@GuardiaCostera_X) "
        "May 3, 2024\n\n"
        'The tweet reads, "Our units intercepted two boats and arrested six crew members at dawn."'
    )
    assert one(body).speaker == "GUARDIA COSTERA"


def test_a_release_speaks_for_the_organisation_reported_speaking_before_it() -> None:
    body = (
        "The Canadian Embassy is praising customs officers for the seizure.\n\n"
        'A release issued this evening says, quote, "The Embassy commends the customs service for its work on '
        "this case and for the arrests made at the port."
    )
    assert one(body).speaker == "Canadian Embassy"


def test_a_short_quotation_nested_in_a_straight_quoted_one_stays_inside_it() -> None:
    body = (
        'Minister Carla Ventura Ruiz said, "The country is still on the "priority watch" list, but this week\'s '
        'seizures show the work our police are doing at the ports."'
    )
    statement = one(body)
    assert statement.speaker == "Carla Ventura Ruiz"
    assert statement.quote.endswith("at the ports.")
    assert '"priority watch"' in statement.quote


def test_she_prefers_the_last_woman_over_a_more_recent_man() -> None:
    body = (
        "Prosecutor Laura Mendes Costa opened the trial on Monday.\n\n"
        "Defence lawyer Peter Walsh asked for more time.\n\n"
        '"The evidence against the network is overwhelming and we will present all of it," she said.'
    )
    assert one(body).speaker == "Laura Mendes Costa"


def test_a_pronoun_of_the_wrong_gender_still_takes_the_only_candidate() -> None:
    body = (
        "Agency chief Susan Rowe testified before the committee.\n\n"
        '"The cartels now run the whole supply chain from the chemicals to the pills," he told the senators.'
    )
    assert one(body).speaker == "Susan Rowe"


def test_one_reporting_clause_governs_every_quoted_fragment_of_its_sentence() -> None:
    body = (
        "The Coast Guard said that, working with the United States Navy, its crews “quickly” boarded the "
        "boat and seized the cargo, which had been “hidden under a false floor in the engine room”."
    )
    found = extract_statements(body)
    assert [s.speaker for s in found] == ["Coast Guard"]
    assert found[0].quote.startswith("hidden under a false floor")
