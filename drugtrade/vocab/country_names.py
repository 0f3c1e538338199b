"""The country vocabulary's tables: codes outside ISO 3166-1 that statistics use, the UN spellings
pycountry does not reach, and the demonyms and short forms of news text. The rules that read
them are in drugtrade.vocab.countries."""

from __future__ import annotations

from dataclasses import dataclass

# CBP publishes seizures by US agency unit (field office, Border Patrol sector, AMO branch). The
# country of those figures is the reporting country, as in UNODC's tables, even where a branch
# works abroad (AMO's "Mexico City IAC", "AMO Operation Bahamas, Turks And Caicos").
CBP_COUNTRY = "USA"


@dataclass(frozen=True, kw_only=True)
class FormerCountry:
    iso3: str
    iso2: str
    name: str
    region: str
    subregion: str
    why: str


# Codes outside current ISO 3166-1 that real statistics use. UN M49 no longer lists these, so
# region and subregion follow where M49 lists the successor states (documented in
# sources/statistics/README.md). The countries seed includes these rows, so no observation points
# at a code the country dimension lacks.
FORMER_AND_USER_ASSIGNED: tuple[FormerCountry, ...] = (
    FormerCountry(
        iso3="ANT",
        iso2="AN",
        name="Netherlands Antilles",
        region="Americas",
        subregion="Caribbean",
        why="ISO 3166-1 until 2010 (ISO 3166-3 ANHH); UNODC seizures use ANT",
    ),
    FormerCountry(
        iso3="CSK",
        iso2="CS",
        name="Czechoslovakia",
        region="Europe",
        subregion="Eastern Europe",
        why="ISO 3166-1 until 1993 (ISO 3166-3 CSHH)",
    ),
    FormerCountry(
        iso3="DDR",
        iso2="DD",
        name="German Democratic Republic",
        region="Europe",
        subregion="Western Europe",
        why="ISO 3166-1 until 1990 (ISO 3166-3 DDDE)",
    ),
    FormerCountry(
        iso3="SCG",
        iso2="CS",
        name="Serbia and Montenegro",
        region="Europe",
        subregion="Southern Europe",
        why="ISO 3166-1 until 2006 (ISO 3166-3 CSXX)",
    ),
    FormerCountry(
        iso3="SUN",
        iso2="SU",
        name="USSR",
        region="Europe",
        subregion="Eastern Europe",
        why="ISO 3166-1 until 1992 (ISO 3166-3 SUHH)",
    ),
    FormerCountry(
        iso3="YUG",
        iso2="YU",
        name="Yugoslavia",
        region="Europe",
        subregion="Southern Europe",
        why="ISO 3166-1 until 2003 (ISO 3166-3 YUCS)",
    ),
    FormerCountry(
        iso3="XKX",
        iso2="XK",
        name="Kosovo",
        region="Europe",
        subregion="Southern Europe",
        why="user-assigned code (ISO 3166 reserves X..) used by the EU, IMF and World Bank",
    ),
)

# UN spellings that neither pycountry nor the inversion rule reach. Keys are folded (see _fold).
OVERRIDES: dict[str, str] = {
    "china, hong kong sar": "HKG",  # UN style "China, <area> SAR"
    "china, macao sar": "MAC",
    "china, taiwan province of china": "TWN",
    "turkey": "TUR",  # pycountry follows the 2022 rename to Türkiye and drops the old name
    "united states virgin islands": "VIR",  # pycountry: "Virgin Islands, U.S."
    "saint helena": "SHN",  # pycountry: "Saint Helena, Ascension and Tristan da Cunha"
    "kosovo": "XKX",
    "kosovo under unscr 1244": "XKX",  # UNODC's label
    "ussr": "SUN",
    "union of soviet socialist republics": "SUN",
    "czechoslovakia": "CSK",
    "yugoslavia": "YUG",
    "united states": "USA",
    "united kingdom": "GBR",
}


# Demonyms and adjectives of the countries this warehouse covers and their main partners.
DEMONYMS: dict[str, str] = {
    "American": "United States",
    "Argentine": "Argentina",
    "Argentinian": "Argentina",
    "Bahamian": "Bahamas",
    "Barbadian": "Barbados",
    "Belizean": "Belize",
    "Bolivian": "Bolivia",
    "Brazilian": "Brazil",
    "British": "United Kingdom",
    "Canadian": "Canada",
    "Chilean": "Chile",
    "Chinese": "China",
    "Colombian": "Colombia",
    "Costa Rican": "Costa Rica",
    "Cuban": "Cuba",
    "Dominican": "Dominican Republic",
    "Dutch": "Netherlands",
    "Ecuadorian": "Ecuador",
    "Ecuadoran": "Ecuador",
    "French": "France",
    "German": "Germany",
    "Guatemalan": "Guatemala",
    "Guyanese": "Guyana",
    "Haitian": "Haiti",
    "Honduran": "Honduras",
    "Italian": "Italy",
    "Jamaican": "Jamaica",
    "Mexican": "Mexico",
    "Nicaraguan": "Nicaragua",
    "Panamanian": "Panama",
    "Paraguayan": "Paraguay",
    "Peruvian": "Peru",
    "Portuguese": "Portugal",
    "Puerto Rican": "Puerto Rico",
    "Russian": "Russian Federation",
    "Salvadoran": "El Salvador",
    "Salvadorean": "El Salvador",
    "Spanish": "Spain",
    "Surinamese": "Suriname",
    "Trinidadian": "Trinidad and Tobago",
    "Uruguayan": "Uruguay",
    "Venezuelan": "Venezuela",
    "Afghan": "Afghanistan",
    "Belgian": "Belgium",
    "Nigerian": "Nigeria",
    "Albanian": "Albania",
    "Australian": "Australia",
    "Indian": "India",
    "Turkish": "Türkiye",
    "Kosovar": "Kosovo",
    "Kosovan": "Kosovo",
}
# Short and common forms pycountry does not list as names.
SHORT_NAMES: dict[str, str] = {
    "US": "United States",
    "U.S.": "United States",
    "USA": "United States",
    "U.S.A.": "United States",
    "United States of America": "United States",
    "America": "United States",
    "UK": "United Kingdom",
    "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
    "Holland": "Netherlands",
    "the Netherlands": "Netherlands",
    "Russia": "Russian Federation",
    "Venezuela": "Venezuela",
    "Bolivia": "Bolivia",
    "Vietnam": "Viet Nam",
    "Turkey": "Türkiye",
    "Ivory Coast": "Côte d'Ivoire",
    "Syria": "Syrian Arab Republic",
    "Iran": "Iran",
    "Laos": "Lao People's Democratic Republic",
    "Burma": "Myanmar",
    "South Korea": "Korea, Republic of",
    "North Korea": "Korea, Democratic People's Republic of",
    "Czech Republic": "Czechia",
    "Cape Verde": "Cabo Verde",
    "Swaziland": "Eswatini",
    "Macedonia": "North Macedonia",
    "Kosovo": "Kosovo",
    "Trinidad": "Trinidad and Tobago",  # the island, as news names the country
    "Tobago": "Trinidad and Tobago",
    # The region's own spellings, as agencies' names keep them ("Policía Nacional del Perú").
    "Perú": "Peru",
    "México": "Mexico",
    "Brasil": "Brazil",
    "Panamá": "Panama",
    "Haití": "Haiti",
    "República Dominicana": "Dominican Republic",
}
# Names that in prose are mostly not the country; they are still resolved by country_code().
NOT_IN_PROSE = {
    "Jordan",
    "Chad",
    "Georgia",
    "Jersey",
    "Guernsey",
    "Turkey",
    "Niger",
    "Dominica",
    "Guinea",
    "Man",
    "America",
}
