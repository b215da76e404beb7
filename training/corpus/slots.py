"""Slot values: people, companies, data sources, sizes, dates — varied and per language where it matters.

All names here are invented by combining parts, so no real person or benchmark record is copied.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

FIRST = {
    "en": ["James", "Olivia", "Ethan", "Priya", "Marcus", "Hannah", "Kevin", "Aisha", "Ryan", "Megan", "Tom",
           "Chloe", "Daniel", "Grace", "Sam", "Nina", "Jordan", "Leah", "Omar", "Rachel", "Victor", "Zoe",
           "Ben", "Carla", "Derek", "Fiona", "Hugo", "Ivy", "Jamal", "Kara", "Liam", "Maya", "Noah", "Paige"],
    "de": ["Lukas", "Anna", "Jonas", "Katrin", "Felix", "Sabine", "Tobias", "Miriam", "Stefan", "Julia",
           "Matthias", "Lena", "Jörg", "Ute", "Florian", "Bettina"],
    "fr": ["Camille", "Julien", "Élodie", "Mathieu", "Sophie", "Antoine", "Claire", "Nicolas", "Inès",
           "Thibault", "Manon", "Baptiste", "Aurélie", "Rémi"],
    "es": ["Lucía", "Javier", "Carmen", "Alejandro", "Marta", "Diego", "Elena", "Pablo", "Sofía", "Raúl",
           "Nerea", "Iván"],
    "pt": ["João", "Beatriz", "Rafael", "Mariana", "Tiago", "Ana", "Gonçalo", "Larissa", "Pedro", "Inês",
           "Thiago", "Camila"],
    "nl": ["Daan", "Sanne", "Bram", "Lotte", "Joost", "Femke", "Ruben", "Eline", "Thijs", "Maaike"],
    "it": ["Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo", "Alessia", "Davide", "Sara",
           "Federico"],
    "ja": ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Takeshi", "Yuki", "Kenji", "Emi"],
}
LAST = {
    "en": ["Walker", "Nguyen", "Patel", "Okafor", "Brennan", "Collins", "Reyes", "Foster", "Kim", "Shah",
           "Murphy", "Lindqvist", "Harper", "Doyle", "Chen", "Adeyemi", "Sullivan", "Moreau", "Grant", "Ellis"],
    "de": ["Müller", "Schneider", "Becker", "Hoffmann", "Wagner", "Krüger", "Vogel", "Brandt", "Lehmann",
           "Seidel", "Kaiser"],
    "fr": ["Lefèvre", "Dubois", "Moreau", "Girard", "Fontaine", "Chevalier", "Lambert", "Rousseau", "Garnier"],
    "es": ["García", "Fernández", "López", "Martín", "Sánchez", "Romero", "Navarro", "Iglesias", "Ortega"],
    "pt": ["Silva", "Santos", "Oliveira", "Costa", "Ferreira", "Almeida", "Ribeiro", "Carvalho", "Pereira"],
    "nl": ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "de Boer", "Mulder", "Bos"],
    "it": ["Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino", "Greco"],
    "ja": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi"],
}
JA_NAMES = ["佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤"]

_STEMS = ["Nor", "Vel", "Quar", "Bry", "Lum", "Tor", "Zen", "Ard", "Kel", "Mira", "Orb", "Pax", "Rill", "Sol",
          "Tam", "Ux", "Wren", "Yar", "Cal", "Dro", "Fen", "Gal", "Hal", "Isk", "Jun", "Lor", "Mon", "Nex",
          "Ost", "Pil", "Rav", "Sty", "Tesl", "Vor", "Wex", "Brio", "Cind", "Delt", "Esk", "Fjor"]
_ENDS = ["ia", "on", "ex", "ara", "io", "is", "um", "ly", "ant", "ora", "ix", "en", "ica", "al", "o", "wick",
         "field", "stone", "bridge", "mark", "haven", "crest", "point", "gate"]
_SECTORS = {
    "en": ["Logistics", "Retail", "Health", "Analytics", "Foods", "Energy", "Labs", "Software", "Bank",
           "Insurance", "Media", "Travel", "Motors", "Pharma", "Fintech", "Games", "Systems", "Commerce"],
    "de": ["Logistik", "Handel", "Versicherung", "Energie", "Maschinenbau", "Software", "Bank", "Medien"],
    "fr": ["Logistique", "Distribution", "Assurances", "Énergie", "Santé", "Banque", "Médias", "Voyages"],
    "es": ["Logística", "Retail", "Seguros", "Energía", "Salud", "Banca", "Medios", "Viajes"],
    "pt": ["Logística", "Varejo", "Seguros", "Energia", "Saúde", "Banco", "Mídia", "Pagamentos"],
    "nl": ["Logistiek", "Retail", "Verzekeringen", "Energie", "Zorg", "Bank", "Media", "Software"],
    "it": ["Logistica", "Retail", "Assicurazioni", "Energia", "Salute", "Banca", "Media", "Moda"],
    "ja": ["物流", "リテール", "保険", "エナジー", "ヘルスケア", "フィンテック", "ソフトウェア"],
}
_LEGAL = {
    "en": ["", "", "Inc.", "Ltd", "LLC", "plc", "Group", "Co."],
    "de": ["GmbH", "AG", "GmbH & Co. KG", ""],
    "fr": ["SAS", "SA", ""],
    "es": ["S.L.", "S.A.", ""],
    "pt": ["Ltda.", "S.A.", "Lda.", ""],
    "nl": ["B.V.", "N.V.", ""],
    "it": ["S.r.l.", "S.p.A.", ""],
    "ja": ["株式会社", "K.K.", ""],
}
COUNTRIES = {
    "en": [("United States", "US"), ("Canada", "CA"), ("United Kingdom", "GB"), ("Ireland", "IE"),
           ("Australia", "AU"), ("New Zealand", "NZ"), ("India", "IN"), ("Singapore", "SG"),
           ("South Africa", "ZA"), ("Sweden", "SE"), ("Denmark", "DK"), ("Nigeria", "NG"), ("UAE", "AE")],
    "de": [("Deutschland", "DE"), ("Österreich", "AT"), ("Schweiz", "CH"), ("Germany", "DE")],
    "fr": [("France", "FR"), ("Belgique", "BE"), ("Luxembourg", "LU"), ("Suisse", "CH"), ("Canada", "CA")],
    "es": [("España", "ES"), ("México", "MX"), ("Argentina", "AR"), ("Colombia", "CO"), ("Chile", "CL")],
    "pt": [("Portugal", "PT"), ("Brasil", "BR"), ("Brazil", "BR")],
    "nl": [("Nederland", "NL"), ("België", "BE"), ("Netherlands", "NL")],
    "it": [("Italia", "IT"), ("Italy", "IT"), ("Svizzera", "CH")],
    "ja": [("日本", "JP"), ("Japan", "JP")],
}
TLD = {"en": ["com", "com", "io", "co", "co.uk", "ai", "net", "com.au"], "de": ["de", "de", "com", "at", "ch"],
       "fr": ["fr", "fr", "com", "be"], "es": ["es", "es", "com", "mx"], "pt": ["pt", "com.br", "com.br", "com"],
       "nl": ["nl", "nl", "com", "be"], "it": ["it", "it", "com"], "ja": ["co.jp", "jp", "com"]}
FREE_MAIL = {"en": ["gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "proton.me"],
             "de": ["gmx.de", "web.de", "t-online.de", "gmail.com"], "fr": ["orange.fr", "gmail.com", "hotmail.fr"],
             "es": ["gmail.com", "hotmail.es", "yahoo.es"], "pt": ["uol.com.br", "gmail.com", "terra.com.br"],
             "nl": ["ziggo.nl", "gmail.com", "hotmail.nl"], "it": ["libero.it", "gmail.com", "virgilio.it"],
             "ja": ["yahoo.co.jp", "gmail.com"]}
DISPOSABLE = ["mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com", "sharklasers.com"]

SOURCES = ["Salesforce", "HubSpot", "NetSuite", "Postgres", "PostgreSQL", "MySQL", "Shopify", "Zendesk", "Stripe",
           "SAP", "Oracle", "MongoDB", "Kafka", "Google Ads", "Marketo", "Jira", "SQL Server", "Dynamics 365",
           "Workday", "Intercom", "Braze", "Segment", "Snowplow", "DynamoDB", "S3", "Google Analytics 4"]
WAREHOUSES = ["Snowflake", "BigQuery", "Redshift", "Databricks", "Snowflake", "BigQuery"]
COMPETITORS = ["Fivetran", "Airbyte", "Stitch", "Matillion", "Hevo", "Talend", "Informatica", "our in-house scripts",
               "Meltano", "Segment", "Census", "Hightouch"]
PLANS = ["Starter", "Growth", "Enterprise"]
TITLES = {
    "buyer": {
        "en": ["Head of Data", "Data Engineer", "VP Engineering", "CTO", "Analytics Lead", "Director of BI",
               "Senior Data Engineer", "Data Platform Manager", "Head of Analytics", "RevOps Manager",
               "Chief Data Officer", "Analytics Engineer", "IT Director", "Engineering Manager", "Founder"],
        "de": ["Leiter Datenmanagement", "Data Engineer", "Teamleiter BI", "CTO", "IT-Leiter"],
        "fr": ["Responsable Data", "Ingénieur data", "DSI", "Directeur BI", "CTO"],
        "es": ["Responsable de Datos", "Ingeniero de datos", "Director de TI", "CTO"],
        "pt": ["Gerente de Dados", "Engenheiro de Dados", "Diretor de TI", "CTO"],
        "nl": ["Hoofd Data", "Data Engineer", "IT-manager", "CTO"],
        "it": ["Responsabile Dati", "Data Engineer", "Direttore IT", "CTO"],
        "ja": ["データエンジニア", "情報システム部長", "CTO", "データ基盤リード"],
    },
    "partner": {"en": ["Managing Partner", "Partnerships Director", "Alliances Manager", "Practice Lead",
                       "Head of Partnerships", "CEO", "Co-founder", "Channel Manager"]},
    "press": {"en": ["Reporter", "Senior Editor", "Journalist", "Research Analyst", "Podcast Host",
                     "Program Chair", "Content Producer", "Editor-in-Chief", "Correspondent"]},
    "recruit": {"en": ["Talent Partner", "Technical Recruiter", "Recruitment Consultant", "Headhunter",
                       "Senior Recruiter"]},
    "applicant": {"en": ["Data Engineer", "Software Engineer", "Student", "Account Executive", "SDR",
                         "Product Designer", "Looking for opportunities", "Backend Developer"]},
    "vendor": {"en": ["Business Development Manager", "Account Executive", "SEO Specialist", "Growth Consultant",
                      "Sales Director", "Founder", "Outreach Manager", "BDR"]},
    "investor": {"en": ["Partner", "Principal", "Associate", "Managing Director", "Angel Investor",
                        "Investment Director", "Venture Partner"]},
    "student": {"en": ["Student", "MSc Student", "PhD Candidate", "Undergraduate", "Research Assistant",
                       "MBA Candidate"]},
    "spam": {"en": ["", "CEO", "Manager", "asdf", "Director", "xx"]},
    "none": {"en": [""]},
}
WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes"],
    "pt": ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira"],
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"],
    "it": ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì"],
    "ja": ["月曜日", "火曜日", "水曜日", "木曜日", "金曜日"],
}
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "September", "October", "November"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "September", "Oktober", "November"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "septembre", "octobre", "novembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "septiembre", "octubre", "noviembre"],
    "pt": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "setembro", "outubro", "novembro"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "september", "oktober", "november"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "settembre", "ottobre", "novembre"],
    "ja": ["1月", "2月", "3月", "4月", "5月", "6月", "9月", "10月", "11月"],
}
UNIVERSITIES = ["University of {city}", "{city} Business School", "TU {city}", "Université de {city}",
                "Universidad de {city}", "Universidade de {city}", "Politecnico di {city}", "{city} University",
                "Hogeschool {city}", "{city} Institute of Technology", "{city}大学"]
CITIES = ["Leeds", "Boston", "Toronto", "Munich", "Lyon", "Madrid", "Porto", "Utrecht", "Milan", "Osaka", "Dublin",
          "Austin", "Hamburg", "Lille", "Sevilla", "Lisbon", "Ghent", "Turin", "Kyoto", "Melbourne", "Denver"]
OUTLETS = ["{stem} Weekly", "The Data {end2}", "{stem}Tech News", "Modern Data {end2}", "{stem} Insider",
           "Enterprise {end2} Review", "{stem} Journal", "Cloud {end2} Today"]
_END2 = ["Report", "Digest", "Brief", "Times", "Observer", "Wire", "Stack"]
FUNDS = ["{stem} Ventures", "{stem} Capital", "{stem}{end} Partners", "{stem} Growth Equity", "{stem} Seed Fund",
         "{stem} & Co. Advisors"]
EVENTS = ["DataOps Summit {year}", "{city} Data Week", "Modern Data Stack Conf", "{stem}Con {year}",
          "Analytics Engineering Day", "{city} Cloud Forum", "Big Data {city}"]
ERRORS = ["ERROR 401: token expired", "sync failed: rate limit exceeded", "column \"updated_at\" does not exist",
          "SSL handshake failed", "timeout after 300s", "schema mismatch on table orders",
          "permission denied for schema raw", "Quota exceeded", "HTTP 500 from connector", "duplicate key value"]
INDUSTRIES = {
    "en": ["e-commerce", "logistics", "fintech", "healthcare", "SaaS", "retail", "insurance", "gaming", "media",
           "manufacturing", "travel", "telecom"],
    "de": ["E-Commerce", "Logistik", "Fintech", "Gesundheitswesen", "Handel", "Versicherung", "Maschinenbau"],
    "fr": ["e-commerce", "logistique", "fintech", "santé", "distribution", "assurance", "industrie"],
    "es": ["e-commerce", "logística", "fintech", "salud", "retail", "seguros", "industria"],
    "pt": ["e-commerce", "logística", "fintech", "saúde", "varejo", "seguros", "indústria"],
    "nl": ["e-commerce", "logistiek", "fintech", "zorg", "retail", "verzekeringen", "industrie"],
    "it": ["e-commerce", "logistica", "fintech", "sanità", "retail", "assicurazioni", "manifattura"],
    "ja": ["EC", "物流", "フィンテック", "医療", "小売", "保険", "製造業"],
}
COMPANY_SIZES = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+", "2-10", "50-99"]


def _pick(rng: random.Random, items: list[str]) -> str:
    return items[rng.randrange(len(items))]


@dataclass
class Person:
    """The sender of one item (and their company)."""

    first: str
    last: str
    company: str
    domain: str
    country_name: str
    country: str
    lang: str

    @property
    def name(self) -> str:
        """Display name."""
        return f"{self.first} {self.last}"


def make_company(rng: random.Random, lang: str) -> tuple[str, str]:
    """An invented company name and its web domain."""
    stem = _pick(rng, _STEMS) + _pick(rng, _ENDS)
    style = rng.random()
    if lang == "ja" and style < 0.5:
        name = f"{_pick(rng, _LEGAL['ja'])}{stem}{_pick(rng, _SECTORS['ja'])}".strip()
    elif style < 0.45:
        name = f"{stem} {_pick(rng, _SECTORS[lang])}"
    elif style < 0.75:
        name = f"{stem} {_pick(rng, _SECTORS[lang])} {_pick(rng, _LEGAL[lang])}".strip()
    else:
        name = stem
    domain = re.sub(r"[^a-z]", "", stem.lower()) + "." + _pick(rng, TLD[lang])
    return name, domain


def make_person(rng: random.Random, lang: str) -> Person:
    """A sender with a company; names and country follow the language most of the time."""
    name_lang = lang if rng.random() < 0.85 else "en"
    company, domain = make_company(rng, lang)
    country_name, country = rng.choice(COUNTRIES[lang])
    return Person(_pick(rng, FIRST[name_lang]), _pick(rng, LAST[name_lang]), company, domain, country_name,
                  country, lang)


def _amount(rng: random.Random) -> str:
    return rng.choice(["$", "€", "£", ""]) + str(rng.choice([5, 8, 10, 12, 15, 20, 25, 40, 50, 75])) + \
        rng.choice(["k", "K", ",000", "0,000"])


_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "poiuytrewq", "lkjhgfdsa")


def _mash(rng: random.Random) -> str:
    """Keyboard mashing: mostly runs along a keyboard row (which recur), sometimes random letters."""
    if rng.random() < 0.3:
        return "".join(rng.choice("qwertyuiopasdfghjklzxcvbnm") for _ in range(rng.randint(4, 10)))
    row = rng.choice(_KEY_ROWS)
    start = rng.randrange(len(row) - 3)
    run = row[start:start + rng.randint(3, 6)]
    return run * rng.choice([1, 1, 2, 3])


def make_slots(rng: random.Random, lang: str, person: Person) -> dict[str, Callable[[], str]]:
    """The slot fillers for one item; fixed person, random everything else."""
    stem = _pick(rng, _STEMS) + _pick(rng, _ENDS)
    city = _pick(rng, CITIES)
    year = str(rng.choice([2025, 2026, 2027]))

    def fill(pattern: str) -> str:
        return pattern.format(stem=stem, end=_pick(rng, _ENDS), end2=_pick(rng, _END2), city=city, year=year)

    return {
        "first": lambda: person.first,
        "name": lambda: person.name,
        "company": lambda: person.company,
        "domain": lambda: person.domain,
        "country": lambda: person.country_name,
        "city": lambda: city,
        "source": lambda: _pick(rng, SOURCES),
        "source2": lambda: _pick(rng, SOURCES),
        "warehouse": lambda: _pick(rng, WAREHOUSES),
        "competitor": lambda: _pick(rng, COMPETITORS),
        "plan": lambda: _pick(rng, PLANS),
        "size": lambda: str(rng.choice([12, 25, 40, 60, 85, 120, 150, 230, 300, 450, 800, 1200, 2500, 6000, 15000])),
        "team": lambda: str(rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 15, 20])),
        "n": lambda: str(rng.choice([3, 5, 8, 10, 12, 15, 20, 30, 40])),
        "rows": lambda: rng.choice(["2M", "50 million", "500k", "1.2B", "300M", "10 million"]),
        "amount": lambda: _amount(rng),
        "industry": lambda: _pick(rng, INDUSTRIES[lang]),
        "weekday": lambda: _pick(rng, WEEKDAYS[lang]),
        "month": lambda: _pick(rng, MONTHS[lang]),
        "day": lambda: str(rng.randint(2, 28)),
        "weeks": lambda: str(rng.choice([2, 3, 4, 6])),
        "hours": lambda: str(rng.choice([2, 3, 5, 6, 12, 18, 24, 36])),
        "year": lambda: year,
        "error": lambda: _pick(rng, ERRORS),
        "ticket": lambda: str(rng.randint(10000, 99999)),
        "url": lambda: f"https://{re.sub(r'[^a-z]', '', stem.lower())}.{rng.choice(['com', 'net', 'io', 'biz'])}"
                       f"/{rng.choice(['offer', 'p', 'go', 'info', 'login', ''])}",
        "university": lambda: fill(_pick(rng, UNIVERSITIES)),
        "outlet": lambda: fill(_pick(rng, OUTLETS)),
        "fund": lambda: fill(_pick(rng, FUNDS)),
        "event": lambda: fill(_pick(rng, EVENTS)),
        "vendorco": lambda: f"{stem} {rng.choice(['Digital', 'Solutions', 'Labs', 'Media', 'Tech', 'Growth'])}",
        "agency": lambda: f"{stem} {rng.choice(['Consulting', 'Analytics', 'Partners', 'Data', 'Advisory'])}",
        "percent": lambda: str(rng.choice([20, 30, 35, 40, 50, 60, 70])),
        "colleague": lambda: _pick(rng, FIRST["en"]),
        "janame": lambda: _pick(rng, JA_NAMES),
        "mash": lambda: _mash(rng),
        "mash2": lambda: _mash(rng),
    }
