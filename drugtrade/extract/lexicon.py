"""Word lists the rule-based extractors share: speech verbs, roles, organisation heads.

They are closed lists on purpose: a rule fires only on words it knows, so a miss is possible but
a wild guess is not. Verb forms are listed rather than stemmed because the tense matters
("says" attributes, "saying" is participial, "say" follows "to"/"did").
"""

from __future__ import annotations

import re

from drugtrade.extract.reporting_verbs import FORMS


def word_list(text: str) -> list[str]:
    """Word lists are kept as wrapped text, one space between words, for readable diffs."""
    return text.split()


SPEECH_VERBS_FINITE = (
    frozenset(
        word_list(
            """said says told tells added adds noted notes stated states explained explains warned warns declared
        declares affirmed affirms insisted insists argued argues asserted asserts claimed claims stressed
        stresses emphasised emphasized emphasises emphasizes remarked remarks commented comments
        acknowledged acknowledges admitted admits announced announces continued continues concluded
        concludes observed observes wrote writes tweeted posted replied replies responded responds answered
        answers urged urges recalled recalls cautioned cautions maintained maintains contended contends
        predicted predicts promised promises pledged pledges vowed vows assured assures highlighted
        highlights underlined underlines reiterated reiterates echoed echoes conceded concedes complained
        complains lamented laments suggested suggests called calls asked asks described describes countered
        counters retorted testified confirmed confirms denied denies welcomed welcomes criticised criticized
        mentioned mentions agreed agrees alleged alleges proclaimed proclaims quipped joked explained
        reported reports read reads estimated estimates"""
        )
    )
    | FORMS.finite
)
SPEECH_VERBS_BASE = (
    frozenset(
        word_list(
            """say tell add note state explain warn declare affirm insist argue assert claim stress emphasise
        emphasize remark comment acknowledge admit announce continue conclude observe write reply respond
        answer urge recall caution maintain contend predict promise pledge vow assure highlight underline
        reiterate echo concede complain lament suggest call ask describe counter testify confirm deny
        welcome criticise criticize mention agree allege proclaim"""
        )
    )
    | FORMS.base
)
SPEECH_PARTICIPLES = (
    frozenset(
        word_list(
            """saying stating adding noting explaining warning declaring insisting arguing asserting claiming
        stressing emphasising emphasizing calling describing telling urging promising vowing pledging
        affirming acknowledging writing replying recalling concluding observing remarking commenting
        cautioning maintaining predicting assuring highlighting reiterating echoing conceding complaining
        lamenting suggesting countering confirming denying admitting announcing"""
        )
    )
    | FORMS.participles
)
# Opinion verbs attribute quoted fragments in reported speech only ("X believes it is "a failure"").
OPINION_VERBS = FORMS.opinion
# Verbs that attribute only directly ('"...," the report read') and not in reported speech.
WEAK_VERBS = frozenset({"read", "reads", "reported", "reports", "estimated", "estimates", "asked", "asks"})

ROLE_NOUNS = frozenset(
    word_list(
        """minister ministers secretary president vice-president director chief head spokesman spokeswoman
        spokesperson commander general colonel lieutenant captain admiral major sergeant officer prosecutor
        attorney governor mayor senator congressman congresswoman representative ambassador analyst
        researcher economist expert professor lawyer judge leader farmer grower rancher psychiatrist doctor
        counsellor counselor criminologist superintendent official czar adviser advisor chairman chairwoman
        chair coordinator investigator journalist priest bishop activist boatman fisherman inspector agent
        undersecretary envoy manager executive founder owner lawmaker legislator commissioner chancellor
        premier king queen pope cardinal detective physician nurse teacher resident witness pastor sheriff
        consul diplomat negotiator scholar historian sociologist anthropologist specialist consultant
        campaigner organiser organizer trader smuggler trafficker pilot driver worker student candidate
        justice magistrate auditor comptroller ombudsman deputy secretary-general director-general man woman
        source spokesmen commissioner delegate administrator attache attaché commandant constable corporal
        marshal trooper superintendent inspector-general vice-minister viceminister undersecretary registrar
        warden dean rector coordinator mp mps mep msp"""
    )
)
# Capitalised words that belong to roles, offices and organisations, never to a person's name.
OFFICE_WORDS = frozenset(
    word_list(
        """state homeland security defense defence national public foreign affairs relations interior justice
        finance treasury health social government governance federal police navy naval army air force forces
        coast guard customs border protection office agency department ministry secretariat council
        commission committee court supreme congress senate house white united nations drug drugs control
        policy enforcement administration crime intelligence investigation investigations bureau narcotics
        anti-narcotics antinarcotics prison prisons migration immigration economy economic development
        agriculture environment energy trade commerce education labor labour citizen legal general special
        regional international inter-american republic armed military marine marines operations operation
        command southern northern central observatory institute foundation union federation association
        party front cartel clan gang group network organization organisation program programme center centre
        university bank company corporation embassy consulate mission assembly chamber deputies province
        city region municipality port authority service services unit division directorate attorney
        prosecutor's human rights watch vice deputy rear lieutenant chief acting former interim senior top
        free zone capital anti-drug counternarcotics anti-laundering attorney-general general's states
        kingdom system"""
    )
)
ORG_HEADS = frozenset(
    word_list(
        """ministry office agency department secretariat council commission committee court congress senate
        police navy army force forces guard bureau administration observatory institute foundation union
        federation association party front cartel clan group network organization organisation program
        programme center centre university bank company corporation embassy consulate mission assembly
        chamber authority service unit division directorate command government house nations watch treasury
        system"""
    )
)
DOCUMENT_NOUNS = frozenset(
    word_list(
        """report survey study statement document indictment audit assessment communique communiqué complaint
        memo letter ruling decision resolution declaration analysis paper review filing release bulletin
        tweet post message"""
    )
)
ORG_NOUNS = frozenset(
    word_list(
        """ministry government embassy agency police army navy military department office observatory
        secretariat court company association federation union organisation organization group
        administration presidency commission council committee institute foundation network coalition
        prosecutor's bureau authority authorities"""
    )
)
TITLE_ABBREVIATIONS = frozenset(
    word_list(
        """Mr Mrs Ms Dr Gen Col Lt Capt Adm Sgt Gov Sen Rep Prof Sr Sra Maj Cmdr Cdr Comdr Supt Insp Amb Pres
        Cpl Pvt Spc Det Const Cst Brig Hon Rev Asst Dep Sup Insp Cmdt Lieut Sgts Jr St"""
    )
)
NAME_PARTICLES = frozenset(
    word_list("""de del la las los y da das do dos des della degli van von der den di du le e ter ten""")
)
# Capitalised words that start sentences or clauses and are never part of a name.
STOP_CAPITALISED = frozenset(
    word_list(
        """the a an in on at by for from to of and but or yet so as if when while where after before since
        although though however meanwhile according this that these those it its he she they we i you his
        her their our my your there here what who why how some many most all every each no not nobody asked
        speaking critics officials residents investigators one two three four five six seven eight nine ten
        last next first second third also still even just only then now today yesterday rather instead
        similarly recently earlier later under with without during despite unlike like over among between
        through against across along around near outside inside monday tuesday wednesday thursday friday
        saturday sunday january february march april may june july august september october november
        december mr mrs ms dr sir madam señor señora don doña analysis read see more related share
        afterwards finally eventually initially separately additionally furthermore moreover nevertheless
        otherwise firstly secondly thirdly lastly overall elsewhere tonight tomorrow currently previously
        now here i'd i'm i've i'll it's that's there's he's she's we're they're we've you're"""
    )
)

QUOTE_OPEN = "“„«"
QUOTE_CLOSE = "”»"
ANY_DOUBLE = '"“”„«»'

WORD = re.compile(r"[^\W\d_](?:[\w'’.-]*[^\W_])?")


def is_capitalised(token: str) -> bool:
    return bool(token) and token[0].isupper()


def is_acronym(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)
