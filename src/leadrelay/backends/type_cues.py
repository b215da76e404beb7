"""Phrases that point at one inbound type, in the languages LeadRelay reads.

The local classifier uses them as features next to its word n-grams: a lexicon written from what
each type *means* (see the LeadBench README) generalises to phrasings no template had, where
n-grams learnt from a synthetic corpus do not. Each pattern is a separate cue so the model can
weigh them; `type_cues` returns the cue names found, with the first matching span of each.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

try:  # the parser moved in Python 3.11; the old name still works with a warning
    from re import _parser as sre_parse  # type: ignore[attr-defined,unused-ignore]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef,unused-ignore]

from leadrelay.text import fold as _fold
from leadrelay.text import strip_accents as _strip_accents

__all__ = ["CUES", "type_cues"]


# cue name -> pattern over accent-folded, lowercased text. The prefix before ":" is the type it points at.
_RAW: dict[str, str] = {
    # -- sales: wanting to buy, evaluate or expand -------------------------------------------------
    "sales:demo": r"\b(demo|demonstration|walkthrough|walk-through|trial|proof of concept|poc|pilot)\b",
    "sales:pricing": r"\b(pricing|price|prices|quote|quotation|cost|costs|how much|licen[cs]e|plan|plans|"
                     r"enterprise plan|growth plan|upgrade|seats|contract|procurement|rfp|rfq|vendor selection|"
                     r"shortlist|evaluate|evaluating|evaluation|compare|comparing|alternative to|replace|replacing|"
                     r"migrate|migrating|switch from|moving off)\b",
    "sales:need": r"\b(we need|we are looking for|we're looking for|looking for a (tool|solution|platform|way)|"
                  r"interested in (your|cobalt|the)|would like to (learn|know|see|discuss|talk)|"
                  r"can you help us|does (your|cobalt)|do you (support|offer|have)|is it possible to)\b",
    "sales:data": r"\b(pipelines?|etl|elt|reverse etl|cdc|change data capture|replication|data warehouse|warehouse|"
                  r"snowflake|bigquery|redshift|databricks|connectors?|ingestion|sync (our|data)|data stack|"
                  r"lakehouse|dbt|fivetran|airbyte|stitch)\b",
    "sales:foreign": r"\b(preise?|preisangebot|angebot|kosten|demo|testphase|wir suchen|wir brauchen|interesse an|"
                     r"tarifs?|devis|prix|essai|nous cherchons|nous recherchons|nous souhaitons|interesses? par|"
                     r"precios?|cotizacion|presupuesto para|prueba|buscamos|necesitamos|nos interesa|"
                     r"precos?|orcamento|cotacao|teste|procuramos|precisamos|temos interesse|"
                     r"prijs|prijzen|offerte|proefperiode|wij zoeken|we zoeken|"
                     r"prezzi|prezzo|preventivo|prova|cerchiamo|abbiamo bisogno|siamo interessati)\b",
    "sales:ja": r"(見積|価格|料金|デモ|導入を検討|検討して|トライアル|試用|問い合わせ|プラン)",
    # -- support: existing users with a problem or a question about the product as it is ----------
    "support:problem": r"\b(error|errors|failing|fails|failed|failure|broken|bug|issue with|not working|"
                       r"doesn't work|does not work|stopped working|stuck|timeout|timed out|crash|crashes|"
                       r"missing (rows|data|records)|duplicate rows|outage|incident|sync (fails|failed|failing|"
                       r"error)|job failed|run id|stack trace|exception|401|403|500)\b",
    "support:account": r"\b(our (account|workspace|instance|pipelines?|connectors?|subscription|invoice)|"
                       r"my (account|workspace|invoice)|invoice|billing|charged|refund|receipt|vat number|"
                       r"password reset|reset my password|sso|2fa|log ?in|api key|how do i|how can i|"
                       r"where can i find|documentation|docs)\b",
    "support:foreign": r"\b(fehler|fehlermeldung|funktioniert nicht|bricht ab|abbruch|rechnung|"
                       r"erreur|ne fonctionne pas|plante|facture|echec|"
                       r"no funciona|falla|fallo|factura|"
                       r"nao funciona|falha|fatura|"
                       r"werkt niet|foutmelding|storing|factuur|"
                       r"non funziona|errore|fattura|guasto)\b",
    "support:ja": r"(エラー|障害|動かない|失敗|不具合|請求書|ログインできない)",
    # -- partnership: agencies, consultancies, tech vendors proposing to work *with* us ------------
    "partnership:partner": r"\b(partner program|partnership|partnering|partner with|become a partner|"
                           r"reseller|resell|reselling|referral (program|partner)|co-marketing|co-sell|"
                           r"joint (webinar|solution|customers)|integration partner|implementation partner|"
                           r"technology partner|solutions partner|our clients|our customers could|"
                           r"white[- ]label|marketplace listing|alliance)\b",
    "partnership:agency": r"\b(agency|consultancy|consulting firm|system integrator|si partner|"
                          r"we implement|we help our clients)\b",
    "partnership:foreign": r"\b(partnerschaft|partnerprogramm|wiederverkauf|vertriebspartner|"
                           r"partenariat|revendeur|revendre|"
                           r"asociacion|alianza|revender|distribuidor|"
                           r"parceria|revenda|"
                           r"partnerschap|wederverkoper|"
                           r"partnership|rivenditore|rivendere)\b",
    "partnership:ja": r"(パートナー|提携|販売代理|協業)",
    # -- press: journalists, analysts, podcasts, conferences --------------------------------------
    "press:media": r"\b(journalist|reporter|editor|article|story|piece|publication|newsletter feature|"
                   r"comment for|quote for|on the record|interview (you|your|with)|podcast|episode|"
                   r"analyst|research note|magic quadrant|wave report|market guide|press|media|"
                   r"conference|summit|keynote|speaker|speaking slot|call for (papers|speakers)|cfp|panel|"
                   r"webinar series|publish|published|magazine|newspaper|tv|radio)\b",
    "press:foreign": r"\b(journalistin|redakteur|artikel|zeitschrift|konferenz|vortrag|"
                     r"journaliste|redaction|magazine|conference|intervenant|"
                     r"periodista|articulo|revista|conferencia|ponente|"
                     r"jornalista|artigo|conferencia|palestrante|"
                     r"journalist|artikel|congres|spreker|"
                     r"giornalista|articolo|rivista|conferenza|relatore)\b",
    "press:ja": r"(記者|取材|記事|編集部|登壇|カンファレンス|ポッドキャスト)",
    # -- recruiting: applicants and recruiters --------------------------------------------------
    "recruiting:apply": r"\b(job|jobs|position|opening|open role|vacancy|vacancies|apply|applying|application|"
                        r"applicant|resume|cv|cover letter|hiring|career|careers|internship|intern|"
                        r"looking for a job|job opportunity|portfolio attached|my experience)\b",
    "recruiting:recruiter": r"\b(recruiter|recruiting agency|recruitment|headhunter|talent acquisition|"
                            r"candidates?|placement fee|staffing|executive search|contingency)\b",
    "recruiting:foreign": r"\b(bewerbung|bewerben|stelle|stellenanzeige|lebenslauf|praktikum|"
                          r"candidature|postuler|poste|offre d'emploi|stage|"
                          r"candidatura|vacante|empleo|curriculum|puesto|"
                          r"vaga|emprego|curriculo|estagio|"
                          r"sollicitatie|vacature|"
                          r"posizione aperta|lavoro|tirocinio)\b",
    "recruiting:ja": r"(求人|応募|採用|履歴書|職務経歴書|転職)",
    # -- vendor: selling their own product or service to us -------------------------------------
    "vendor:pitch": r"\b(we (help|offer|provide|specialize|specialise)|our (services|agency|team can|platform helps|"
                    r"solution helps|clients include)|companies like yours|book a (quick )?call|"
                    r"15[- ]minute call|quick call|would you be open|are you the right person|"
                    r"outsourcing|outsource|outsourced|offshore|dev shop|nearshore|staff augmentation|white glove|"
                    r"lead (lists?|generation)|b2b (data|leads)|verified (emails|contacts)|appointment setting|"
                    r"seo|backlinks?|guest post|domain authority|rankings?|link building|"
                    r"increase your (sales|revenue|traffic)|grow your (pipeline|business)|"
                    r"free audit|case study attached|unsubscribe|opt out|reply stop)\b",
    "vendor:foreign": r"\b(wir bieten|unsere dienstleistung|nous proposons|nos services|ofrecemos|nuestros servicios|"
                      r"oferecemos|nossos servicos|wij bieten|offriamo|i nostri servizi)\b",
    "vendor:ja": r"(弊社サービス|ご提案|営業代行|リスト販売)",
    # -- investor ------------------------------------------------------------------------------
    "investor:capital": r"\b(invest|investing|investment|investor|investors|venture|vc|fund|funds|seed|"
                        r"series [abcd]|round|raise|raising|fundraising|term sheet|cap table|valuation|"
                        r"portfolio company|portfolio companies|limited partners|lps|angel|private equity|"
                        r"growth equity|m&a|acquisition|acquire|investment bank|investment banking|"
                        r"investment banker|investment bankers|strategic options)\b",
    "investor:foreign": r"\b(investition|investieren|finanzierungsrunde|beteiligung|"
                        r"investissement|investir|levee de fonds|"
                        r"inversion|invertir|ronda|"
                        r"investimento|investir|rodada|"
                        r"investering|investeren|"
                        r"investimento|investire|round di)\b",
    "investor:ja": r"(出資|投資|資金調達|ベンチャーキャピタル)",
    # -- student -------------------------------------------------------------------------------
    "student:study": r"\b(student|students|university|universite|college|school|thesis|dissertation|"
                     r"master'?s|bachelor'?s|phd|coursework|course project|class project|assignment|"
                     r"professor|academic|research project|survey for (my|our) (class|course|thesis)|"
                     r"questionnaire|capstone|homework|student discount|education(al)? (license|plan))\b",
    "student:foreign": r"\b(studentin|studierende|masterarbeit|bachelorarbeit|hochschule|universitat|"
                       r"etudiant|etudiante|memoire|universite|ecole|"
                       r"estudiante|tesis|universidad|trabajo de fin|tfg|tfm|"
                       r"estudante|faculdade|universidade|tcc|dissertacao|"
                       r"afstudeeronderzoek|afstuderen|afstudeerscriptie|afstudeerproject|scriptie|universiteit|hogeschool|"
                       r"studente|tesi|universita|laurea)\b",
    "student:ja": r"(学生|大学|卒業論文|卒論|修士論文|研究室|授業)",
    # -- spam ----------------------------------------------------------------------------------
    "spam:scam": r"\b(bitcoin|crypto|btc|usdt|wallet|lottery|winner|won|prize|inheritance|beneficiary|"
                 r"wire transfer|western union|gift card|casino|viagra|cialis|loan offer|"
                 r"make money|earn \$|100% free|click here|act now|limited time|congratulations)\b",
    "spam:phish": r"\b(verify your (account|mailbox|password)|mailbox (is )?(full|quota)|password (expires|expired)|"
                  r"account (suspended|locked|will be closed)|unusual sign-in|confirm your (identity|details)|"
                  r"update your payment|invoice attached|shared a document|docusign|login to view)\b",
    "spam:seo_links": r"\b(buy (backlinks|followers|traffic)|adult|escort|essay writing|cheap (pills|watches))\b",
    # -- unknown: no content ---------------------------------------------------------------------
    "unknown:vague": r"^\W*(hi|hello|hey|hallo|bonjour|hola|ola|ciao|test|testing|info|information|question|"
                     r"call me|please call|contact me|interested|more info|details please|\?)\W*$",
    "unknown:left": r"\b(no longer (with|at|works)|has left (the company)?|left the company|is no longer|"
                    r"not the right person|wrong person|nicht mehr (im unternehmen|bei uns)|a quitte|"
                    r"ya no trabaja|nao trabalha mais|werkt hier niet meer|non lavora piu)\b",
    "unknown:auto": r"\b(out of (the )?office|automatic reply|auto-?reply|autoreply|on (annual )?leave|"
                    r"abwesenheit|abwesend|absence du bureau|absent du bureau|fuera de la oficina|"
                    r"ausente|afwezig|fuori ufficio|delivery (status notification|failure|has failed)|"
                    r"undeliverable|undelivered|mailer-daemon|address not found|user unknown|mailbox unavailable)\b",
}

# -- matching ---------------------------------------------------------------------------------------
# The lexicon is finite, so it is expanded once into phrases and matched word by word: a handful of
# dictionary lookups per word instead of thirty regex scans per message.

_TOKEN = re.compile(r"[a-z0-9$&@]+(?:['’-][a-z0-9]+)*")
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_WHOLE_TEXT = {"unknown:vague"}  # cues that describe the whole (short) message, not a phrase in it


def _expand(node: Any) -> list[str]:
    """Every string a finite regex parse tree matches."""
    out = [""]
    for op, arg in node:
        name = str(op)
        if name == "LITERAL":
            options = [chr(arg)]
        elif name == "IN":
            options = [chr(a) for o, a in arg if str(o) == "LITERAL"]
        elif name == "BRANCH":
            options = [s for branch in arg[1] for s in _expand(branch)]
        elif name == "SUBPATTERN":
            options = _expand(arg[-1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, sub = arg
            if high > 3:
                raise ValueError("the cue lexicon must be finite")
            inner = _expand(sub)
            options = ["".join(p) for n in range(low, high + 1) for p in itertools.product(inner, repeat=n)]
        elif name == "AT":
            continue
        else:
            raise ValueError(f"unsupported pattern element {name}")
        out = [a + b for a in out for b in options]
    return out


def _phrases() -> tuple[dict[str, list[tuple[tuple[str, ...], str]]], dict[str, re.Pattern[str]]]:
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    regexes: dict[str, re.Pattern[str]] = {}
    for name, pattern in _RAW.items():
        folded = _strip_accents(pattern)
        if name in _WHOLE_TEXT or _CJK.search(folded):
            regexes[name] = re.compile(folded)
            continue
        for phrase in set(_expand(sre_parse.parse(folded))):
            tokens = tuple(_TOKEN.findall(phrase))
            if tokens:
                by_first.setdefault(tokens[0], []).append((tokens, name))
    return by_first, regexes


_BY_FIRST, _REGEXES = _phrases()
CUES = frozenset(_RAW)


def type_cues(text: str) -> dict[str, str]:
    """The cues found in `text`: cue name -> the first span that matched it."""
    folded = _fold(text)
    found: dict[str, str] = {}
    words = _TOKEN.findall(folded)
    # Only the words that start some phrase (a few of a message's words), found without a Python loop.
    for i in itertools.compress(itertools.count(), map(_BY_FIRST.__contains__, words)):
        for tokens, name in _BY_FIRST[words[i]]:
            if name not in found and tuple(words[i:i + len(tokens)]) == tokens:
                found[name] = " ".join(tokens)
    has_cjk = not folded.isascii() and _CJK.search(folded) is not None
    for name, pattern in _REGEXES.items():
        if name in _WHOLE_TEXT:
            if len(folded) > 80:
                continue
        elif not has_cjk:
            continue
        match = pattern.search(folded)
        if match:
            found[name] = match.group(0)
    return found
