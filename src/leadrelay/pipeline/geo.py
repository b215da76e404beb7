"""Country resolution: country names in many languages, cities, addresses, phone prefixes and ccTLDs.

Everything resolves to an ISO 3166-1 alpha-2 code. Lookups are O(1) dict hits on a normalised key;
the tables (pycountry names plus its translations, our aliases and a compact map of major business
cities) are built once, on first use or in `load()`.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

import phonenumbers
import pycountry

from leadrelay.text import strip_accents

__all__ = [
    "city_country",
    "country_code",
    "email_country",
    "first_char_pattern",
    "load",
    "normalize_place",
    "phone_countries_in_text",
    "phone_country",
    "place_country",
    "postcode_country",
    "stated_countries",
    "tld_country",
    "word_pattern",
]

# Languages whose country names we accept (pycountry ships the translations).
_LANGUAGES = ("de", "fr", "es", "pt", "pt_BR", "nl", "it", "ja")

# Names people write that pycountry lacks (it has no "UK"), in the languages we handle.
_ALIASES: dict[str, str] = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "grossbritannien": "GB", "großbritannien": "GB",
    "england uk": "GB", "grande bretagne": "GB", "angleterre": "GB", "inglaterra": "GB",
    "gran bretaña": "GB", "engeland": "GB", "inghilterra": "GB", "gran bretagna": "GB",
    "us": "US", "u.s.": "US", "usa": "US", "u.s.a.": "US", "america": "US", "united states of america": "US",
    "the states": "US", "etats unis d'amerique": "US", "eeuu": "US", "ee.uu.": "US", "ee uu": "US",
    "eua": "US", "estados unidos da america": "US", "amerika": "US", "vereinigte staaten von amerika": "US",
    "stati uniti d'america": "US", "アメリカ": "US", "アメリカ合衆国": "US", "米国": "US",
    "holland": "NL", "the netherlands": "NL", "nederland": "NL", "niederlande": "NL", "pays bas": "NL",
    "deutschland": "DE", "brd": "DE", "österreich": "AT", "schweiz": "CH", "suisse": "CH", "svizzera": "CH",
    "switzerland": "CH", "belgië": "BE", "belgique": "BE", "belgien": "BE", "españa": "ES", "italia": "IT",
    "brasil": "BR", "méxico": "MX", "mexico": "MX", "perú": "PE", "danmark": "DK", "sverige": "SE",
    "norge": "NO", "suomi": "FI", "polska": "PL", "éire": "IE", "eire": "IE", "česko": "CZ", "czechia": "CZ",
    "czech republic": "CZ", "south korea": "KR", "korea": "KR", "republic of korea": "KR",
    "north korea": "KP",
    "russia": "RU", "россия": "RU", "turkey": "TR", "türkiye": "TR", "uae": "AE", "u.a.e.": "AE",
    "emirates": "AE", "vietnam": "VN", "taiwan": "TW", "iran": "IR", "syria": "SY", "laos": "LA",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "macedonia": "MK",
    "ivory coast": "CI", "cote d'ivoire": "CI", "hong kong": "HK", "macau": "MO", "macao": "MO",
    "palestine": "PS", "kosovo": "XK", "vatican": "VA", "brunei": "BN", "cape verde": "CV",
    "micronesia": "FM", "the bahamas": "BS", "the gambia": "GM", "nz": "NZ", "aotearoa": "NZ",
    "日本": "JP", "にほん": "JP", "イギリス": "GB", "英国": "GB", "ドイツ": "DE", "フランス": "FR",
    "韓国": "KR",
    "中国": "CN", "台湾": "TW", "スイス": "CH", "オランダ": "NL", "カナダ": "CA", "オーストラリア": "AU",
    "シンガポール": "SG", "インド": "IN", "スペイン": "ES", "イタリア": "IT", "ブラジル": "BR",
}

# Major business cities -> country. Ambiguous names (Cambridge, Victoria, Hamilton, Richmond,
# Birmingham, Portland, Valencia, Córdoba, Santiago) are left out on purpose: a wrong guess is worse
# than none, and other sources (phone, ccTLD) usually decide.
_CITIES: dict[str, str] = {
    "US": "New York|New York City|NYC|Manhattan|Brooklyn|Los Angeles|San Francisco|Bay Area|"
          "Silicon Valley|San Jose|Palo Alto|Mountain View|Menlo Park|Sunnyvale|Santa Clara|Oakland|Berkeley|"
          "Seattle|Bellevue|Redmond|Chicago|Boston|Austin|Dallas|Houston|San Antonio|Fort Worth|Denver|"
          "Boulder|"
          "Atlanta|Miami|Orlando|Tampa|Jacksonville|Phoenix|Scottsdale|Tempe|Salt Lake City|Las Vegas|"
          "San Diego|Irvine|Sacramento|Philadelphia|Pittsburgh|Washington DC|Washington D.C.|Baltimore|"
          "Arlington|Charlotte|Raleigh|Durham|Nashville|Memphis|Minneapolis|St. Paul|Detroit|Ann Arbor|"
          "Cleveland|Columbus|Cincinnati|Indianapolis|Milwaukee|Madison|Kansas City|St. Louis|Saint Louis|"
          "Omaha|New Orleans|Louisville|Hartford|Stamford|Newark|Jersey City|Princeton|Providence|Buffalo|"
          "Rochester|Albany|Honolulu|Anchorage|Albuquerque|Tucson|Boise|Des Moines|Oklahoma City|Tulsa|"
          "Little Rock|Charleston|Norfolk|Greenville|Plano|Wilmington|"
          "ニューヨーク|サンフランシスコ|ロサンゼルス|シアトル|シカゴ|ボストン|"
          "Nueva York|Nova York|Nova Iorque",
    "CA": "Toronto|Montreal|Montréal|Vancouver|Ottawa|Calgary|Edmonton|Winnipeg|Quebec City|Québec|"
          "Halifax|Waterloo|Kitchener|Mississauga|Markham|Saskatoon|Regina|Burnaby|Gatineau|"
          "トロント|バンクーバー",
    "GB": "London|Londres|Londra|Londen|Manchester|Leeds|Liverpool|Bristol|Sheffield|Newcastle|"
          "Newcastle upon Tyne|Nottingham|Leicester|Glasgow|Edinburgh|Edimbourg|Cardiff|Belfast|Oxford|"
          "Brighton|Southampton|Milton Keynes|Aberdeen|Dundee|Coventry|Norwich|Exeter|"
          "Plymouth|Swansea|Guildford|Slough|Croydon|ロンドン",
    "IE": "Dublin|Cork|Galway|Limerick|Dublín|Dublino",
    "DE": "Berlin|Berlino|Berlim|Hamburg|Hambourg|Hamburgo|Amburgo|Munich|München|Munique|Múnich|Monaco di "
          "Baviera|Cologne|Köln|Colonia|Frankfurt|Frankfurt am Main|Francfort|Fráncfort|Francoforte|"
          "Stuttgart|"
          "Düsseldorf|Dusseldorf|Dortmund|Leipzig|Bremen|Dresden|Dresde|Hannover|Hanover|Nuremberg|"
          "Nürnberg|Duisburg|Bochum|Wuppertal|Bielefeld|Bonn|Münster|Karlsruhe|Mannheim|Augsburg|Wiesbaden|"
          "Mainz|Aachen|Kiel|Freiburg|Heidelberg|Darmstadt|Potsdam|Walldorf|Ingolstadt|Wolfsburg|Rostock|"
          "Regensburg|Ulm|Erlangen|ベルリン|ミュンヘン|フランクフルト|ハンブルク",
    "FR": "Paris|Parigi|Parijs|Lyon|Lyons|Lione|Marseille|Marsella|Marsiglia|Toulouse|Nantes|Strasbourg|"
          "Montpellier|Bordeaux|Lille|Rennes|Reims|Grenoble|Dijon|Angers|Nîmes|Aix-en-Provence|"
          "Sophia Antipolis|"
          "Clermont-Ferrand|Le Mans|Limoges|Amiens|Metz|Rouen|Caen|Orléans|La Défense|"
          "Boulogne-Billancourt|Levallois-Perret|Issy-les-Moulineaux|Neuilly-sur-Seine|パリ",
    "NL": "Amsterdam|Ámsterdam|Rotterdam|The Hague|Den Haag|La Haye|La Haya|Utrecht|Eindhoven|Groningen|"
          "Tilburg|Almere|Breda|Nijmegen|Arnhem|Haarlem|Enschede|Amersfoort|Zwolle|Leiden|Delft|Maastricht|"
          "Hilversum|Zaandam|Schiphol|'s-Hertogenbosch|Den Bosch|アムステルダム",
    "BE": "Brussels|Bruxelles|Brussel|Brüssel|Bruselas|Bruxelas|Bruxelles-Capitale|Antwerp|Antwerpen|Anvers|"
          "Ghent|Gent|Gand|Liège|Luik|Leuven|Louvain|Bruges|Brugge|Namur|Charleroi|Mechelen|Hasselt",
    "LU": "Luxembourg City|Luxemburg-Stadt|Esch-sur-Alzette",
    "CH": "Zurich|Zürich|Zurigo|Geneva|Genève|Genf|Ginevra|Ginebra|Basel|Bâle|Basilea|Bern|Berne|Berna|"
          "Lausanne|Lugano|Lucerne|Luzern|Zug|Winterthur|St. Gallen|Sankt Gallen|チューリッヒ",
    "AT": "Vienna|Wien|Vienne|Viena|Linz|Graz|Salzburg|Innsbruck|Klagenfurt|ウィーン",
    "SE": "Stockholm|Estocolmo|Stoccolma|Gothenburg|Göteborg|Malmö|Malmo|Uppsala|Linköping|Lund|"
          "ストックホルム",
    "NO": "Oslo|Bergen|Trondheim|Stavanger",
    "DK": "Copenhagen|København|Kopenhagen|Copenhague|Copenaghen|Aarhus|Århus|Odense|Aalborg",
    "FI": "Helsinki|Helsingfors|Espoo|Tampere|Oulu|Turku|Vantaa",
    "ES": "Madrid|Madri|Barcelona|Barcelone|Bilbao|Seville|Sevilla|Séville|Málaga|Malaga|Zaragoza|Saragossa|"
          "Palma|Palma de Mallorca|Alicante|Murcia|Valladolid|Vigo|Gijón|A Coruña|La Coruña|Granada|"
          "San Sebastián|Donostia|Pamplona|Santander|Vitoria|Las Palmas|Santa Cruz de Tenerife|マドリード",
    "PT": "Lisbon|Lisboa|Lisbonne|Lissabon|Lisbona|Porto|Oporto|Braga|Coimbra|Aveiro|Faro|Funchal",
    "IT": "Milan|Milano|Milão|Milán|Mailand|Rome|Roma|Turin|Torino|Turim|Naples|Napoli|Neapel|Nápoles|"
          "Firenze|Florenz|Florencia|Bologna|Bolonia|Genoa|Genova|Venice|Venezia|Venedig|Verona|Padua|"
          "Padova|Trieste|Bari|Palermo|Catania|Bergamo|Brescia|Modena|Parma|Pisa|Monza|ミラノ|ローマ",
    "AU": "Sydney|Melbourne|Brisbane|Perth|Adelaide|Canberra|Gold Coast|Hobart|"
          "Parramatta|シドニー|メルボルン",
    "NZ": "Auckland|Wellington|Christchurch|Dunedin|Tauranga|Queenstown",
    "JP": "Tokyo|Tokio|Tóquio|Osaka|Yokohama|Nagoya|Kyoto|Kobe|Fukuoka|Sapporo|Sendai|Kawasaki|Saitama|"
          "Hiroshima|東京|東京都|大阪|大阪市|横浜|名古屋|京都|神戸|福岡|札幌|仙台|川崎|さいたま|広島|渋谷|新宿|港区|"
          "千代田区|品川",
    "BR": "São Paulo|Sao Paulo|Rio de Janeiro|Belo Horizonte|Brasília|Brasilia|Curitiba|Porto Alegre|"
          "Recife|Fortaleza|Campinas|Florianópolis|Florianopolis|Goiânia|Manaus|Belém|Vitória|"
          "サンパウロ",
    "MX": "Mexico City|Ciudad de México|CDMX|Guadalajara|Monterrey|Puebla|Tijuana|Querétaro|Mérida|León",
    "AR": "Buenos Aires|Rosario|Mendoza|La Plata",
    "CL": "Santiago de Chile|Valparaíso|Viña del Mar",
    "CO": "Bogotá|Bogota|Medellín|Medellin|Barranquilla|Cartagena",
    "PE": "Lima|Arequipa",
    "UY": "Montevideo",
    "PL": "Warsaw|Warszawa|Warschau|Varsovie|Varsovia|Kraków|Krakow|Cracow|Krakau|Wrocław|Wroclaw|Breslau|"
          "Gdańsk|Gdansk|Poznań|Poznan|Łódź|Lodz|Katowice|Szczecin|Lublin",
    "CZ": "Prague|Praha|Prag|Praga|Brno|Ostrava",
    "SK": "Bratislava|Košice",
    "HU": "Budapest|Debrecen",
    "RO": "Bucharest|București|Bukarest|Cluj-Napoca|Cluj|Timișoara|Iași",
    "BG": "Plovdiv|Varna",
    "GR": "Athens|Athen|Athènes|Atenas|Atene|Thessaloniki",
    "HR": "Zagreb",
    "RS": "Belgrade|Beograd|Novi Sad",
    "SI": "Ljubljana",
    "EE": "Tallinn|Tartu",
    "LV": "Riga",
    "LT": "Vilnius|Kaunas",
    "UA": "Kyiv|Kiev|Kharkiv|Lviv|Odesa|Odessa|Dnipro",
    "RU": "Moscow|Moskau|Moscou|Moscú|Mosca|St. Petersburg|Saint Petersburg|Novosibirsk|Yekaterinburg|"
          "Kazan|Москва",
    "TR": "Istanbul|İstanbul|Ankara|Izmir|İzmir",
    "IL": "Tel Aviv|Tel-Aviv|Jerusalem|Haifa|Herzliya|Ramat Gan",
    "AE": "Dubai|Abu Dhabi|Sharjah",
    "SA": "Riyadh|Jeddah|Dammam",
    "QA": "Doha",
    "EG": "Cairo|Alexandria",
    "MA": "Casablanca|Rabat|Marrakech|Tangier",
    "NG": "Lagos|Abuja",
    "KE": "Nairobi|Mombasa",
    "ZA": "Johannesburg|Cape Town|Durban|Pretoria|Sandton|Stellenbosch",
    "GH": "Accra",
    "IN": "Bangalore|Bengaluru|Mumbai|Bombay|Delhi|New Delhi|Hyderabad|Chennai|Pune|Kolkata|Calcutta|"
          "Ahmedabad|Gurgaon|Gurugram|Noida|Jaipur|Kochi|Chandigarh|Coimbatore|Indore",
    "PK": "Karachi|Lahore|Islamabad",
    "BD": "Dhaka",
    "LK": "Colombo",
    "SG": "Singapore|Singapur|Singapour|Cingapura|シンガポール",
    "MY": "Kuala Lumpur|Penang|Petaling Jaya",
    "TH": "Bangkok|Chiang Mai",
    "ID": "Jakarta|Surabaya|Bandung",
    "PH": "Manila|Makati|Cebu|Quezon City|Taguig",
    "VN": "Ho Chi Minh City|Saigon|Hanoi|Da Nang",
    "HK": "Kowloon",
    "CN": "Beijing|Shanghai|Shenzhen|Guangzhou|Hangzhou|Chengdu|Wuhan|Nanjing|Suzhou|Xi'an|Tianjin|"
          "北京|上海|深圳|広州",
    "TW": "Taipei|Hsinchu|Taichung|Kaohsiung|台北",
    "KR": "Seoul|Busan|Incheon|Pangyo|ソウル",
}

# Subdivisions people put in addresses and LinkedIn locations ("Austin, Texas, United States").
_REGIONS: dict[str, str] = {
    **dict.fromkeys([
        "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
        "florida", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana",
        "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana",
        "nebraska", "nevada", "new hampshire", "new jersey", "new mexico", "new york state", "north carolina",
        "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina",
        "south dakota", "tennessee", "texas", "utah", "vermont", "virginia", "washington state",
        "west virginia", "wisconsin", "wyoming", "district of columbia", "greater new york city area",
        "san francisco bay area", "greater boston", "greater chicago area",
    ], "US"),
    **dict.fromkeys([
        "ontario", "quebec", "québec", "british columbia", "alberta", "manitoba", "saskatchewan",
        "nova scotia", "new brunswick", "newfoundland and labrador", "prince edward island",
    ], "CA"),
    **dict.fromkeys(["new south wales", "queensland", "western australia", "south australia", "tasmania",
                     "australian capital territory", "nsw", "qld", "act"], "AU"),
    **dict.fromkeys(["bavaria", "bayern", "nordrhein-westfalen", "nrw", "baden-württemberg", "hessen",
                     "niedersachsen", "sachsen", "berlin-brandenburg"], "DE"),
    **dict.fromkeys(["île-de-france", "ile-de-france", "auvergne-rhône-alpes", "occitanie", "bretagne",
                     "provence-alpes-côte d'azur", "nouvelle-aquitaine", "hauts-de-france"], "FR"),
    **dict.fromkeys(["catalonia", "cataluña", "catalunya", "andalucía", "andalusia", "comunidad de madrid",
                     "país vasco", "euskadi", "galicia"], "ES"),
    **dict.fromkeys(["lombardia", "lombardy", "lazio", "piemonte", "veneto", "emilia-romagna",
                     "toscana"], "IT"),
    **dict.fromkeys(["noord-holland", "zuid-holland", "noord-brabant", "gelderland", "randstad"], "NL"),
    **dict.fromkeys(["ile de france"], "FR"),
    **dict.fromkeys(["midwest", "the midwest", "pacific northwest", "new england", "socal", "norcal",
                     "southern california", "northern california", "upstate new york", "tri-state area",
                     "washington"], "US"),
    **dict.fromkeys(["atlantic canada", "greater toronto area", "western canada"], "CA"),
    **dict.fromkeys(["midlands", "east midlands", "west midlands", "yorkshire", "north yorkshire",
                     "west yorkshire", "south yorkshire", "lancashire", "greater london", "greater manchester",
                     "merseyside", "east anglia", "home counties", "cornwall", "devon", "surrey", "essex",
                     "sussex", "west sussex", "east sussex", "hampshire", "berkshire", "oxfordshire",
                     "cambridgeshire", "cheshire", "northumberland", "cumbria", "scottish highlands",
                     "tyneside", "teesside"], "GB"),
}

# Two-letter US state and Canadian province abbreviations: only trusted inside an address part
# ("Austin, TX 78701" or "Toronto, ON"), never as a word in free text.
_US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC".split()
)
_CA_PROVINCES = frozenset("ON QC BC AB MB SK NS NB NL PE YT NT NU".split())

# ccTLDs that are used for the country in practice. .io .ai .co .me .tv .fm .ly .gg .so .to .ws .cc .sh .ac
# .la .am .vc .gl .dj are left out: they are vanity domains, not a location. .edu and .gov are US-only.
_TLDS: dict[str, str] = {
    "de": "DE", "fr": "FR", "uk": "GB", "br": "BR", "nl": "NL", "it": "IT", "es": "ES", "pt": "PT",
    "jp": "JP", "at": "AT", "ch": "CH", "be": "BE", "lu": "LU", "se": "SE", "no": "NO", "dk": "DK",
    "fi": "FI", "ie": "IE", "pl": "PL", "cz": "CZ", "sk": "SK", "hu": "HU", "ro": "RO", "bg": "BG",
    "gr": "GR", "hr": "HR", "si": "SI", "rs": "RS", "ee": "EE", "lv": "LV", "lt": "LT", "ua": "UA",
    "ru": "RU", "tr": "TR", "il": "IL", "ae": "AE", "sa": "SA", "qa": "QA", "eg": "EG", "ma": "MA",
    "ng": "NG", "ke": "KE", "za": "ZA", "in": "IN", "pk": "PK", "bd": "BD", "lk": "LK", "sg": "SG",
    "my": "MY", "th": "TH", "id": "ID", "ph": "PH", "vn": "VN", "hk": "HK", "cn": "CN", "tw": "TW",
    "kr": "KR", "au": "AU", "nz": "NZ", "ca": "CA", "us": "US", "mx": "MX", "ar": "AR", "cl": "CL",
    "pe": "PE", "uy": "UY", "is": "IS", "edu": "US", "gov": "US", "mil": "US",
}

# Canadian area codes: +1 numbers are US unless the area code is Canadian.
_CA_AREA_CODES = frozenset(
    "204 226 236 249 250 257 263 289 306 343 354 365 367 368 382 387 403 416 418 428 431 437 438 450 468 474 "
    "506 514 519 548 579 581 584 587 604 613 639 647 672 683 705 709 742 753 778 780 782 807 819 825 867 873 "
    "879 902 905 942".split()
)

_PHONE_RE = re.compile(r"(?<![\w+])(?:\+|00)\s?(\d[\d \t().\-/\u00a0]{5,20}\d)")
_NOT_DIGIT = re.compile(r"\D+")
_HAS_DIGIT = re.compile(r"\d")
_PUNCT_RE = re.compile(r"[\s\-_/]+")
_SPLIT_PARTS = re.compile(r"\s*(?:,|;|\||·|•|\n|/|\(|\)| - | – )\s*")
_LEADING_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}-)?\d{3,5}(?:[ -]\d{2,4}|\s?[A-Z]{2}(?=\s))?\s+")
_TRAILING_POSTCODE = re.compile(r"\s+(?:\d{3,6}(?:-\d{3,4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})$")

# Postcode formats distinctive enough to name a country on their own.
_POSTCODES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"), "GB"),
    (re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b"), "CA"),
    (re.compile(r"\b[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}\b"), "NL"),
    (re.compile(r"\b(?:" + "|".join(sorted(_US_STATES)) + r")\s+\d{5}(?:-\d{4})?\b"), "US"),
    (re.compile(r"〒\s?\d{3}-?\d{4}"), "JP"),
    (re.compile(r"\b\d{4}-\d{3}\s+\w"), "PT"),
    (re.compile(r"\b\d{5}-\d{3}\b"), "BR"),
    (re.compile(r"\b[DAFBL]-\d{4,5}\s+\w"), ""),  # "D-80331 München": resolved by the letter below
)
_POSTCODE_LETTER = {"D": "DE", "A": "AT", "F": "FR", "B": "BE", "L": "LU"}


def word_pattern(words: Iterable[str]) -> str:
    """A regex alternation of literal `words` built as a trie, so the engine branches per character.

    Python's `re` tries alternatives one by one at every position; a trie makes a list of a hundred
    words about as cheap to scan for as one.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return build(trie)


@lru_cache(maxsize=8192)
def normalize_place(text: str) -> str:
    """A lookup key for a place name: case-folded, accents removed, punctuation collapsed."""
    key = text.strip().casefold()
    if not key.isascii():
        key = strip_accents(key)
    key = _PUNCT_RE.sub(" ", key).strip(" .,")
    if key.startswith("the "):
        key = key[4:]
    return key


@cache
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Country names (all languages), cities and regions, keyed by `normalize_place`."""
    countries: dict[str, str] = {}
    translations = []
    for lang in _LANGUAGES:
        try:
            translations.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]))
        except OSError:  # a trimmed pycountry install: English names still work
            continue
    for country in pycountry.countries:
        code = country.alpha_2
        names = {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)}
        for name in list(names):
            if name:
                names.update(t.gettext(name) for t in translations)
        for name in names:
            if not name:
                continue
            countries.setdefault(normalize_place(name), code)
            # "Korea, Republic of" and "Corée, République de": also the part before the comma.
            head = name.split(",")[0].split(" (")[0]
            countries.setdefault(normalize_place(head), code)
        countries.setdefault(code.casefold(), code)
    for alias, code in _ALIASES.items():
        countries[normalize_place(alias)] = code
    # Corrections where a translation head collides with a more common meaning.
    countries["korea"] = "KR"
    countries["congo"] = "CG"
    countries["virgin islands"] = "VG"
    cities: dict[str, str] = {}
    for code, city_names in _CITIES.items():
        for city in city_names.split("|"):
            cities.setdefault(normalize_place(city), code)
    regions = {normalize_place(name): code for name, code in _REGIONS.items()}
    return countries, cities, regions


@cache
def _alpha3() -> dict[str, str]:
    """Three-letter codes ("deu" -> "DE"): trusted in a form's country field only, never in free text,
    where "MAR", "CAN", "PER" and "SWE" are a month, a verb, a word and a job title far more often."""
    return {country.alpha_3.casefold(): country.alpha_2 for country in pycountry.countries}


def load() -> None:
    """Build the lookup tables now rather than on the first call."""
    _tables()
    _alpha3()


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name or code in any handled language, else None."""
    if not text or len(text) > 80:
        return None
    key = normalize_place(text)
    return _tables()[0].get(key) or (_alpha3().get(key) if len(key) == 3 else None)


def city_country(text: str) -> str | None:
    """The country of a major business city ("München", "Lyon", "東京"), else None."""
    if not text or len(text) > 60:
        return None
    return _tables()[1].get(normalize_place(text))


def _part_country(part: str) -> str | None:
    """A country, city or region named by one address part (no two-letter codes)."""
    countries, cities, regions = _tables()
    key = normalize_place(part)
    if len(key) <= 2:
        return None
    hit = countries.get(key) or cities.get(key) or regions.get(key)
    if hit:
        return hit
    # "20457 Hamburg", "75008 Paris", "Hamburg 20457": drop the postcode and try again.
    raw = part.strip()
    if not _HAS_DIGIT.search(raw):
        return None
    stripped = _TRAILING_POSTCODE.sub("", _LEADING_POSTCODE.sub("", raw))
    if stripped != raw:
        key = normalize_place(stripped)
        if len(key) > 2:
            return cities.get(key) or countries.get(key) or regions.get(key)
    return None


def _code_part_country(part: str) -> str | None:
    """A two-letter part: a US state or Canadian province ("TX 78701", "ON"), else a country code."""
    raw = part.strip()
    head = raw[:2]
    if len(raw) != 2 and not (raw[2:3] == " " and raw[3:].strip().replace("-", "").isdigit()):
        return None
    if head in _US_STATES:
        return "US"
    if head in _CA_PROVINCES:
        return "CA"
    return _tables()[0].get(head.casefold()) if head.isupper() else None


def place_country(text: str) -> str | None:
    """The country of a place description: a country, a city, or "City, Region, Country" parts."""
    if not text or len(text) > 200:
        return None
    whole = _part_country(text)
    if whole:
        return whole
    parts = [p for p in _SPLIT_PARTS.split(text) if p]
    if len(parts) < 2:
        return _code_part_country(text)
    # The last part is usually the most general (the country), so read from the end; names first,
    # then two-letter codes, which are ambiguous ("CA" is California in "Irvine, CA").
    for part in reversed(parts):
        hit = _part_country(part)
        if hit:
            return hit
    for part in reversed(parts):
        hit = _code_part_country(part)
        if hit:
            return hit
    return None


def postcode_country(address: str) -> str | None:
    """The country a distinctive postcode format names (UK, Canada, NL, US state+ZIP, JP, PT, BR)."""
    for pattern, code in _POSTCODES:
        match = pattern.search(address)
        if match:
            return code or _POSTCODE_LETTER.get(match.group(0)[0])
    return None


def _calling_code_country(digits: str) -> str | None:
    if digits.startswith("1"):
        # NANP: Canada shares +1 with the US; the area code tells them apart.
        return "CA" if digits[1:4] in _CA_AREA_CODES else "US"
    table = phonenumbers.COUNTRY_CODE_TO_REGION_CODE
    for size in (1, 2, 3):
        regions = table.get(int(digits[:size])) if len(digits) > size else None
        if regions:
            if regions[0] == "RU" and digits[1:2] in ("6", "7"):
                return "KZ"
            return regions[0] if regions[0] != "001" else None
    return None


def phone_country(phone: str) -> str | None:
    """The country of an international phone number ("+49 30 ...", "0044 ..."); None without a prefix."""
    if not phone or len(phone) > 60:
        return None
    match = _PHONE_RE.search(phone)
    if not match:
        return None
    digits = _NOT_DIGIT.sub("", match.group(1))
    if not 7 <= len(digits) <= 15:
        return None
    return _calling_code_country(digits)


def phone_countries_in_text(text: str) -> list[tuple[str, str]]:
    """Every (country, number as written) for international numbers in free text."""
    out: list[tuple[str, str]] = []
    if "+" not in text and "00" not in text:
        return out
    for match in _PHONE_RE.finditer(text):
        digits = _NOT_DIGIT.sub("", match.group(1))
        if 7 <= len(digits) <= 15:
            code = _calling_code_country(digits)
            if code:
                out.append((code, match.group(0).strip()))
    return out


def tld_country(host: str) -> str | None:
    """The country of a host's ccTLD ("acme.co.uk" -> GB); None for generic and vanity TLDs."""
    if not host:
        return None
    tld = host.rstrip(".").rsplit(".", 1)[-1].casefold()
    return _TLDS.get(tld) if "." in host else None


def email_country(email: str) -> str | None:
    """The country of an email address's ccTLD, else None."""
    if not email or "@" not in email:
        return None
    return tld_country(email.rsplit("@", 1)[1].strip().strip(">"))


# --- countries stated in free text -------------------------------------------------------------

_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
# A place: up to four words, the first capitalised ("São Paulo", "Munich, Germany", "New York City").
_PLACE = rf"(?P<place>(?-i:[{_UPPER}])[\w'’.\-]*(?:,?[ \t]+[\w'’.\-]+){{0,3}})"
# Phrases that say where the sender's company is. Case-insensitive; the place must be capitalised.
_EXPLICIT_TRIGGERS = (
    r"based (?:in|out of)|located in|headquartered in|hq(?:'d)? (?:is )?in|headquarters (?:is |are )?in|"
    r"head office (?:is )?in|operat(?:e|ing) (?:out of|from)|(?:i'm|i am|we're|we are) (?:from|in)|"
    r"(?:greetings|hello|hi|writing|calling) from|here in|"
    r"mit (?:haupt)?sitz in|(?:haupt)?sitz in|ansässig in|(?:standort|zentrale) in|wir sind (?:in|aus)|"
    r"ich bin aus|hier in|basée?s? (?:à|en|au|aux)|situ[ée]e?s? (?:à|en|au)|implant[ée]e?s? (?:à|en|au)|"
    r"siège(?: social)? (?:est )?(?:à|en|au)|nous sommes (?:à|en|au|basés à)|con sede en|"
    r"(?:ubicad|basad|situad|radicad)[oa]s? en|estamos en|somos de|com sede (?:em|no|na)|"
    r"sediad[oa]s? (?:em|no|na)|(?:localizad|basead|situad)[oa]s? (?:em|no|na)|estamos (?:em|no|na)|"
    r"aqui (?:em|no|na)|gevestigd (?:in|te)|(?:hoofd)?kantoor in|zitten in|wij zijn uit|"
    r"con sede (?:a|in)|(?:basat|situat)[oaie] (?:a|in)|siamo (?:a|di|in)"
)
# Checked only right before a capitalised word that names a known place (a short window), for speed.
_EXPLICIT_END_RE = re.compile(rf"(?:^|\W)(?:{_EXPLICIT_TRIGGERS})\s+$")
_PLACE_RE = re.compile(_PLACE)
_BASED_RE = re.compile(rf"{_PLACE.replace('{0,3}', '{0,2}')}-(?i:based|headquartered)\b")
# Weaker: a known place after an ordinary preposition ("our team in Lyon", "aus Hamburg").
_PREPOSITIONS = ("in", "from", "aus", "uit", "vanuit", "depuis", "desde", "da", "à", "en", "em", "na", "no", "a",
                 "te", "of", "au", "aux", "di", "im", "nach", "across", "throughout", "near")
# Starts with a whitespace class so the regex engine skips ahead fast; the text gets a leading space.
# A lower-case word between the preposition and the place ("in central Ohio", "in the Midlands").
_MODIFIERS = ("the", "central", "northern", "southern", "eastern", "western", "upstate", "downstate", "rural",
              "greater", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
              "north-east", "north-west", "south-east", "south-west", "coastal", "downtown", "suburban", "mid",
              "inner", "outer", "metro")
# Both as tries, with capitalised variants: a plain alternation under (?i:) costs half again as much.
_PREP_WORDS = word_pattern({*_PREPOSITIONS, *(p.title() for p in _PREPOSITIONS)})
_MOD_WORDS = word_pattern({*_MODIFIERS, *(m[:1].upper() + m[1:] for m in _MODIFIERS)})
_PREP_PLACE_RE = re.compile(rf"[\s(](?P<prep>{_PREP_WORDS})\s+(?P<mod>{_MOD_WORDS}[ \t-]+)?(?=[{_UPPER}])")
# "Toronto, Ontario", "Columbus, Ohio": a capitalised word, a comma and a region name.
_COMMA_REGION_RE = re.compile(", (?P<region>" + word_pattern(
    name.title() for name, code in _REGIONS.items() if code in ("US", "CA", "GB", "AU") and len(name) > 3
) + r")(?![\w-])")
_CODE_AFTER_THE_RE = re.compile(r"(?:U\.S\.A\.|U\.S\.|U\.K\.|USA|US|UK|UAE)(?!\w|\.\w)")
_NOT_PLACE_WORDS = frozenset({"thanks", "thank", "hi", "hello", "hey", "dear", "regards", "cheers", "best", "yes",
                              "no", "ok", "okay", "sorry", "well", "so", "also", "however", "and", "or", "but",
                              "team", "folks", "all", "everyone"})
# "(UK only)", "US-only", "Germany only": where the sender is or serves.
# Matched on a short window that ends at "only": scanning the whole text costs ten times more.
_ONLY_RE = re.compile(rf"(?<![\w.])(?P<place>[{_UPPER}][\w.]*(?: [{_UPPER}]\w*)?)[- ]$")
_ADJECTIVES: dict[str, str] = {
    "american": "US", "us": "US", "u.s.": "US", "canadian": "CA", "british": "GB", "uk": "GB",
    "english": "GB",
    "scottish": "GB", "welsh": "GB", "irish": "IE", "german": "DE", "french": "FR", "dutch": "NL",
    "belgian": "BE", "swiss": "CH", "austrian": "AT", "swedish": "SE", "norwegian": "NO", "danish": "DK",
    "finnish": "FI", "spanish": "ES", "portuguese": "PT", "italian": "IT", "australian": "AU",
    "new zealand": "NZ", "kiwi": "NZ", "japanese": "JP", "brazilian": "BR", "mexican": "MX", "indian": "IN",
    "polish": "PL", "israeli": "IL", "singaporean": "SG", "luxembourgish": "LU", "czech": "CZ",
    "south african": "ZA", "argentinian": "AR", "argentine": "AR", "chilean": "CL", "colombian": "CO",
    # German (any ending), Dutch
    "deutsch": "DE", "österreichisch": "AT", "schweizer": "CH", "schweizerisch": "CH", "niederländisch": "NL",
    "französisch": "FR", "britisch": "GB", "amerikanisch": "US", "us-amerikanisch": "US", "spanisch": "ES",
    "italienisch": "IT", "nederlands": "NL", "belgisch": "BE", "vlaams": "BE", "duits": "DE",
    # French, Spanish, Portuguese, Italian (after the noun)
    "française": "FR", "français": "FR", "allemande": "DE", "allemand": "DE", "belge": "BE", "suisse": "CH",
    "canadienne": "CA", "canadien": "CA", "espagnole": "ES", "italienne": "IT", "américaine": "US",
    "britannique": "GB", "néerlandaise": "NL", "luxembourgeoise": "LU", "japonaise": "JP",
    "española": "ES", "español": "ES", "mexicana": "MX", "mexicano": "MX", "argentina": "AR",
    "colombiana": "CO", "chilena": "CL", "peruana": "PE", "alemana": "DE", "alemã": "DE", "francesa": "FR",
    "brasileira": "BR", "brasileña": "BR", "portuguesa": "PT", "italiana": "IT", "estadounidense": "US",
    "norte-americana": "US", "británica": "GB", "britânica": "GB", "holandesa": "NL", "neerlandesa": "NL",
    "suíça": "CH", "suiza": "CH", "japonesa": "JP", "tedesca": "DE", "francese": "FR", "svizzera": "CH",
    "spagnola": "ES", "olandese": "NL", "inglese": "GB", "britannica": "GB", "statunitense": "US",
    "giapponese": "JP", "austriaca": "AT", "autrichienne": "AT", "irlandaise": "IE", "irlandesa": "IE",
}
_ADJ_BEFORE = (
    r"American|US|U\.S\.|UK|Canadian|British|English|Scottish|Welsh|Irish|German|French|Dutch|Belgian|Swiss|"
    r"Austrian|Swedish|Norwegian|Danish|Finnish|Spanish|Portuguese|Italian|Australian|New Zealand|Kiwi|"
    r"Japanese|Brazilian|Mexican|Indian|Polish|Israeli|Singaporean|Luxembourgish|Czech|South African|"
    r"Argentinian|Argentine|Chilean|Colombian|"
    r"(?i:(?:us-amerikanisch|deutsch|österreichisch|schweizerisch|niederländisch|französisch|britisch|"
    r"amerikanisch|spanisch|italienisch|nederlands|belgisch|vlaams|duits)e?[srnm]?)|Schweizer"
)
_COMPANY_NOUNS = (
    r"company|firm|startup|start-up|scale-?up|business|retailer|bank|insurer|manufacturer|group|agency|brand|"
    r"fintech|insurtech|saas|e-?commerce|utility|hospital|university|non-?profit|subsidiary|organi[sz]ation|"
    r"distributor|wholesaler|publisher|marketplace|provider|consultancy|operator|chain|producer|maker|"
    r"multinational|Unternehmen|Firma|Konzern|Mittelständler|Versicherer|Versicherung|Hersteller|Händler|"
    r"Gruppe|Agentur|Anbieter|bedrijf|onderneming|organisatie|verzekeraar|groothandel|producent|fabrikant"
)
_ADJ_NOUN_RE = re.compile(rf"\b(?P<adj>{_ADJ_BEFORE})(?:-based|-headquartered)?\s+(?:[\w-]+\s+){{0,2}}?"
                          rf"(?i:{_COMPANY_NOUNS})\b")
_NOUN_ADJ_RE = re.compile(
    r"(?i:\b(?:entreprise|société|start-?up|scale-?up|groupe|banque|assureur|PME|ETI|empresa|compañía|"
    r"companhia|grupo|banco|azienda|società|gruppo|banca|multinacional|multinazionale|fintech)\s+"
    r"(?:[\w-]+\s+)?(?P<adj>" + "|".join(sorted((k for k in _ADJECTIVES if not k.isascii() or k.endswith(
        ("a", "e", "o", "s"))), key=len, reverse=True)) + r"))\b"
)
_FIRST_PERSON_RE = re.compile(
    r"(?i:\b(?:we|we're|our|us|i|i'm|my|wir|unser\w*|nous|notre|nos|somos|nuestra|nuestro|nossa|nosso|"
    r"wij|we zijn|onze|ons|siamo|nostra|nostro|je|ich)\b)"
)


def first_char_pattern(trie_words: Iterable[str], literals: Iterable[str]) -> str:
    """A pattern that matches what ``word_pattern(trie_words) + "|" + "|".join(literals)`` matches, faster.

    Every alternative is filed under its first character, in the original order (the trie's words, then
    the literals as listed), so `re` tries one group at each position instead of every literal.
    """
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for word in trie_words:
        groups.setdefault(word[0], ([], []))[0].append(word[1:])
    for literal in literals:
        groups.setdefault(literal[0], ([], []))[1].append(literal[1:])
    branches = []
    for first, (trie_rests, literal_rests) in groups.items():
        rests = ([word_pattern(trie_rests)] if trie_rests else []) + [re.escape(rest) for rest in literal_rests]
        branches.append(re.escape(first) + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")"))
    return "|".join(branches)


# Where an adjective may start: a plain lower-case alternation is fast; the full patterns run only there.
_COMPANY_NOUN_WORDS = tuple(
    n.casefold() for n in _COMPANY_NOUNS.replace("?", "").replace("-", "").split("|") if "[" not in n and "(" not in n
)
_COMPANY_NOUN_LITERALS = (
    "organi", "scale", "start-up", "empresa", "entreprise", "société", "azienda", "società", "companhia", "compañía",
    "grupo", "groupe", "gruppo", "banco", "banque", "banca", "pme", "eti", "multinacional", "multinazionale",
)
_COMPANY_NOUN_FIND_RE = re.compile(first_char_pattern(_COMPANY_NOUN_WORDS, _COMPANY_NOUN_LITERALS))
_ADJ_FIND_RE = re.compile(word_pattern(k for k in _ADJECTIVES if len(k) > 3))
_JA_PLACE_RE = re.compile(r"(東京|大阪|横浜|名古屋|京都|神戸|福岡|札幌|仙台|広島|日本)")
_SENTENCE_START = re.compile(r"[.!?\n。](?=[^.!?\n。]*$)")


def _resolve_place(candidate: str) -> tuple[str, str] | None:
    """The country and the matched words of the longest known place at the start of `candidate`."""
    words = candidate.split()
    if not words or len(words[0].strip(".,;:!?'’)")) <= 2:
        return None  # "US", "LA", "IT": too ambiguous in running text
    phrases = [" ".join(words[:size]).rstrip(".,;:!?'’)") for size in range(min(len(words), 4), 0, -1)]
    # A phrase that is one place ("New York City") before "City, Country" parts ("Lyon, France").
    for phrase in phrases:
        code = _part_country(phrase)
        if code:
            return code, phrase
    for phrase in phrases:
        code = place_country(phrase) if "," in phrase else None
        if code:
            return code, phrase
    return None


def _find_all(text: str, needle: str) -> list[int]:
    out: list[int] = []
    index = text.find(needle)
    while index >= 0 and len(out) < 20:
        out.append(index)
        index = text.find(needle, index + 1)
    return out


def _clause_before(text: str, start: int) -> str:
    window = text[max(0, start - 80):start]
    cut = _SENTENCE_START.search(window)
    return window[cut.end():] if cut else window


def stated_countries(text: str) -> list[tuple[str, str, bool]]:
    """Countries the text states, as (code, quoted span, explicit); explicit ones first.

    Explicit: "based in Munich", "we're a Dutch company", "com sede em São Paulo", "Berlin-based".
    Not explicit: a known place after a plain preposition ("our office in Lyon", "aus Hamburg").
    """
    if not text:
        return []
    explicit: list[tuple[str, str, bool]] = []
    mentions: list[tuple[str, str, bool]] = []
    lower = text.lower()
    # A capitalised word right after a preposition that starts a known place: "in Munich", "aus Hamburg".
    for prep in _PREP_PLACE_RE.finditer(" " + text):
        start = prep.end() - 1
        head = prep.start("mod") - 1 if prep.group("mod") else start
        hit = None
        # "in North Carolina": the capitalised modifier may be part of the name; try it first.
        for place_start in ((head, start) if head != start and text[head:head + 1].isupper() else (start,)):
            place = _PLACE_RE.match(text, place_start)
            hit = _resolve_place(place.group("place")) if place else None
            if hit:
                break
        if not hit and prep.group("mod") and prep.group("mod").strip().casefold() == "the":
            # "in the US", "from the UK": with "the", the two letters are the country, not Italy or LA.
            code_word = _CODE_AFTER_THE_RE.match(text, start)
            hit = (_ALIASES[code_word.group(0).casefold()], code_word.group(0)) if code_word else None
        if not hit:
            continue
        window = lower[max(0, head - 40):head]
        trigger = _EXPLICIT_END_RE.search(window)
        words = text[head:start] + hit[1] if place_start == start else hit[1]  # keep "central" in the span
        if trigger:
            explicit.append((hit[0], text[head - len(window) + trigger.start():head].lstrip(" ,.;(") + words, True))
        else:
            mentions.append((hit[0], f"{prep.group('prep')} {words}", False))
    if ", " in text:
        for region in _COMMA_REGION_RE.finditer(text):
            before = text[max(0, region.start() - 30):region.start()].split()
            # Only after a capitalised place word ("Toronto, Ontario"), not "Thanks, Ohio team".
            if before and before[-1][:1].isupper() and before[-1].isalpha() and (
                before[-1].casefold() not in _NOT_PLACE_WORDS):
                code = _tables()[2].get(normalize_place(region.group("region")))
                if code:
                    mentions.append((code, f"{before[-1]}, {region.group('region')}", False))
    for index in _find_all(lower, "only")[:5] if "only" in lower else ():
        if lower[index + 4:index + 5].isalnum():
            continue
        window = text[max(0, index - 30):index]
        only_match = _ONLY_RE.search(window)
        if not only_match:
            continue
        only_place: str = only_match.group("place")
        code = _part_country(only_place) or (
            _code_part_country(only_place) if only_place in ("UK", "US") else None)
        if not code and " " in only_place:
            code = _part_country(only_place.split()[-1])
        if code:
            explicit.append((code, f"{only_match.group(0)}{text[index:index + 4]}", True))
    if "-based" in lower or "-headquartered" in lower:
        for match in _BASED_RE.finditer(text):
            place_words = match.group("place").split()
            # "our Munich-based team": the place is the last words before "-based".
            for size in range(1, min(len(place_words), 3) + 1):
                phrase = " ".join(place_words[-size:])
                code = place_country(phrase)
                if code:
                    explicit.append((code, phrase + match.group(0)[match.end("place") - match.start():], True))
                    break
    # Adjectives matter only next to a company noun, so look for adjectives only around those.
    starts: list[int] = []
    for noun in _COMPANY_NOUN_FIND_RE.finditer(lower):
        starts.extend(m.start() for m in _ADJ_FIND_RE.finditer(lower, max(0, noun.start() - 40), noun.end() + 30))
        if len(starts) > 20:
            break
    starts = sorted(set(starts))
    for abbreviation in ("US", "UK", "U.S."):
        if abbreviation in text:
            starts.extend(_find_all(text, abbreviation))
    seen: set[str] = set()
    for start in starts:
        # Only around an adjective: "a Dutch company" (adjective first), "empresa española" (noun first).
        adjective = _ADJ_NOUN_RE.match(text, start) or _NOUN_ADJ_RE.search(text, max(0, start - 40), start + 30)
        if not adjective or adjective.group(0) in seen:
            continue
        seen.add(adjective.group(0))
        adj = adjective.group("adj").casefold()
        code = _ADJECTIVES.get(adj) or _ADJECTIVES.get(adj.rstrip("srnm").rstrip("e"))
        if not code:
            continue
        # "we're a Dutch company" is about the sender; "a German bank is our client" may not be.
        first_person = bool(_FIRST_PERSON_RE.search(_clause_before(text, adjective.start())))
        (explicit if first_person else mentions).append((code, adjective.group(0), first_person))
    if not text.isascii():
        for match in _JA_PLACE_RE.finditer(text):
            mentions.append(("JP", match.group(0), False))
    return explicit + mentions
