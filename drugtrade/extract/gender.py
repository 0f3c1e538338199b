"""The grammatical gender a person is referred to with, when the article or the name shows it.

Used only to choose between candidates for "he" or "she": a pronoun prefers the last person of
its gender, and falls back to recency when no candidate's gender is known or none matches (a
translated article may call a woman "he"; the person named is still the speaker).

Evidence, strongest first: a gendered role or kinship noun in the person's role ("spokeswoman",
"chairman", "mother"), an honorific before the name ("Mrs", "Mr"), and the first name, from lists
of first names common in the Americas and Europe (English, Spanish, Portuguese, French). A name
on neither list, or used for both (Andrea, Jean, Ariel), gives no evidence.
"""

from __future__ import annotations

import re
import unicodedata


def _words(text: str) -> list[str]:
    return text.split()


_FEMALE_WORDS = frozenset(
    _words(
        """actress aunt businesswoman chairwoman congresswoman councilwoman countess daughter
        dona doña duchess empress grandmother lady madam miss mother mrs ms niece
        policewoman princess queen señora sister spokeswoman sra stateswoman widow wife"""
    )
)
_MALE_WORDS = frozenset(
    _words(
        """actor brother businessman chairman congressman councilman count don duke emperor
        father grandfather husband king lord mr nephew policeman prince señor sir son
        spokesman sr statesman uncle widower"""
    )
)
_FEMALE_NAMES = frozenset(
    _words(
        """abigail adriana alejandra alexis alice aline amanda amber amelie amy ana angela ann
        anna anne antonia ashley barbara beatriz betty beverly brenda brigitte brittany
        bruna camila camille carmen carol carolina carolyn catherine charlotte cheryl chloe
        christina christine claire claudia cristina cynthia daniela danielle deborah debra
        denise diana diane dolores donna doris elena elizabeth emily emma evelyn fatima
        fernanda frances francisca gabriela genevieve gloria grace graciela guadalupe hannah
        heather helen helene isabel isabella isabelle jacqueline jane janet janice
        jennifer jessica joan josee josefina joyce judith judy julia juliana julie karen
        karina katherine kathleen kathryn kayla kelly kimberly larissa laura lauren leticia
        liliana linda lisa lorena lourdes lucia luciana madison manon marcela margaret maria
        mariana marie marilyn marta martha mary megan melissa mercedes michele michelle
        monica monique nadine nancy natalia natalie nathalie nicole norma olivia pamela
        paola patricia paula pilar rachel rebecca rocio rosa rose ruth samantha sandra sara
        sarah sharon shirley silvia simone sofia sophia sophie stephanie susan susana sylvie
        tatiana teresa theresa valentina vanessa veronica victoria virginia viviana ximena
        yolanda"""
    )
)
_MALE_NAMES = frozenset(
    _words(
        """aaron adam agustin alain alan albert alberto alejandro alexander alfonso andres
        andrew anthony antonio armando arthur arturo austin ben benjamin bernard bill billy
        bobby brandon brian bruce bryan carl carlos cesar charles christian christophe
        christopher colin dan daniel david dennis didier diego donald douglas dylan eduardo
        edward emilio emmanuel enrique eric ernesto ethan eugene fabio felipe fernando
        francisco francois frank frederic gabriel gary george gerald gilberto gonzalo gordon
        gregory guillermo gustavo harold harry hector henry hugo ian ignacio ivan jack jacob
        jacques james jason javier jeffrey jeremy jerry jesse jim joao joaquin joe john
        johnny jonathan jordan jorge jose joseph joshua juan julio justin keith kenneth
        kevin kyle larry laurent lawrence leonardo logan louis lucas luis luiz luke manuel
        marcelo marcos mark martin mateo matthew mauricio michael michel miguel mike nathan
        neil nicholas nicolas noah octavio olivier oscar pablo patrice patrick paul paulo
        pedro peter philip philippe pierre rafael ralph ramon randy raul raymond ricardo
        richard robert roberto rodrigo roger rogerio ronald roy russell ryan samuel santiago
        scott sean sebastian sergio stephen steve steven terry thiago thierry thomas tim
        timothy todd tom tomas tyler victor vincent walter wayne william willie zachary"""
    )
)

_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}


def pronoun_gender(pronoun: str) -> str | None:
    return _PRONOUN_GENDER.get(pronoun.lower())


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def gender_of(name: str, role: str | None, honorific: str | None = None) -> str | None:
    """'f', 'm' or None for a person named ``name`` with ``role``."""
    words = [_fold(w) for w in re.findall(r"[^\W\d_]+", f"{honorific or ''} {role or ''}")]
    if any(w in _FEMALE_WORDS for w in words):
        return "f"
    if any(w in _MALE_WORDS for w in words):
        return "m"
    first = _fold(name.split()[0]) if name.split() else ""
    if first in _FEMALE_NAMES:
        return "f"
    if first in _MALE_NAMES:
        return "m"
    return None
