"""Partnership, vendor and investor families: people who want to work with, sell to, or fund the company."""

from __future__ import annotations

from training.corpus.engine import Family

LOWISH = {"normal": 0.8, "low": 0.2}
VENDOR_CH = {"email": 0.55, "linkedin": 0.25, "web_form": 0.15, "chat": 0.05}

PARTNERSHIP = [
    Family(
        name="partnership.reseller_agency", type="partnership", role="partner",
        channels={"email": 0.5, "web_form": 0.3, "linkedin": 0.2}, urgency=LOWISH, topic="Partnership",
        crm={"prospect": 0.05}, forward=0.04,
        subjects={"en": ["Partnership inquiry", "Reseller partnership", "Partner program", "Working together"],
                  "de": ["Partnerschaft"], "fr": ["Partenariat"], "es": ["Alianza"], "pt": ["Parceria"],
                  "nl": ["Partnerschap"], "it": ["Partnership"], "ja": ["パートナー提携について"]},
        bodies={
            "en": [
                "We're {agency}, a [data consultancy|analytics agency|Snowflake partner] with {team} consultants "
                "in {country}. || [Many of|Several of] our clients need managed ELT. || Do you have a [reseller|"
                "referral|partner] program?",
                "[I run|We run] a [boutique|small] [data engineering|BI] consultancy. || We implement {warehouse} "
                "stacks and would like to [resell|recommend|bundle] Cobalt. || What are your partner terms?",
                "Would you be open to a [referral|implementation] partnership? || We [bring|could bring] you "
                "[{n} deals a year|mid-market clients] in [the DACH region|Benelux|LATAM|the Nordics].",
                "{agency} here — we're a [Databricks|dbt] implementation partner. || Interested in becoming a "
                "certified Cobalt [partner|integrator] [so we can deliver projects for our clients|]?",
            ],
            "de": ["Wir sind {agency}, eine Beratung für Datenplattformen mit {team} Beratern. || Viele Kunden "
                   "brauchen eine ETL-Lösung. || Gibt es ein Partnerprogramm für Reseller?"],
            "fr": ["Nous sommes {agency}, cabinet de conseil data. || Nous aimerions devenir revendeur de Cobalt. "
                   "|| Avez-vous un programme partenaires ?"],
            "es": ["Somos {agency}, una consultora de datos en {country}. || Nos gustaría revender Cobalt a "
                   "nuestros clientes. || ¿Tienen programa de partners?"],
            "pt": ["Somos a {agency}, consultoria de dados. || Queremos ser parceiros e revender a Cobalt "
                   "para nossos clientes."],
            "nl": ["Wij zijn {agency}, een data consultancy. || We willen graag partner worden en Cobalt "
                   "doorverkopen aan onze klanten."],
            "it": ["Siamo {agency}, società di consulenza dati. || Vorremmo diventare partner e rivendere "
                   "Cobalt ai nostri clienti."],
            "ja": ["{agency}と申します。データ分析支援を行っております。"
                    "|| 御社製品の販売代理店としての提携を検討しております。"],
        },
    ),
    Family(
        name="partnership.tech_integration", type="partnership", role="partner",
        channels={"email": 0.6, "linkedin": 0.2, "web_form": 0.2}, urgency=LOWISH, topic="Partnership",
        subjects={"en": ["Integration partnership", "Technology partnership", "Co-marketing?", "Marketplace listing"],
                  "de": ["Technologiepartnerschaft"], "fr": ["Partenariat technologique"], "es": ["Integración"]},
        bodies={
            "en": [
                "I'm [head of partnerships|in charge of alliances] at {vendorco}, a [data observability|reverse ETL|"
                "data catalog|BI] [platform|tool]. || Our [customers|users] keep asking for a native Cobalt "
                "integration. || Would you be open to [building one together|a joint integration]?",
                "We'd love to explore [co-marketing|a joint webinar|a co-authored guide] with Cobalt. || "
                "[Our audiences overlap|We share a lot of customers] on {warehouse}.",
                "Could we list Cobalt [in our marketplace|as a recommended ingestion tool]? || We have {n}k "
                "[users|data teams] on {vendorco}.",
                "Proposal: [a technology partnership|an integration] between {vendorco} and Cobalt — [we|our "
                "API] [would|could] push [lineage|metadata|alerts] into your pipelines UI.",
            ],
            "de": ["Wir sind {vendorco}, eine Plattform für Datenqualität. || Wir würden gerne eine Integration "
                   "mit Cobalt gemeinsam entwickeln."],
            "fr": ["Nous sommes {vendorco}. || Nos clients demandent une intégration avec Cobalt : seriez-vous "
                   "ouverts à un partenariat technologique ?"],
            "es": ["Somos {vendorco}. || Nos gustaría explorar una integración y co-marketing con Cobalt."],
            "it": ["Siamo {vendorco}. || Vorremmo proporre un'integrazione tecnologica e attività di co-marketing."],
        },
    ),
]

VENDOR = [
    Family(
        name="vendor.devshop", type="vendor", role="vendor", channels=VENDOR_CH, urgency={"low": 1.0},
        injection=0.1, topic="Partnership",
        subjects={"en": ["Dev resources for Cobalt", "Scale your engineering team", "Quick question",
                         "Offshore development", "Partnership opportunity"],
                  "de": ["Entwicklungskapazitäten"], "es": ["Desarrolladores para su equipo"],
                  "pt": ["Desenvolvedores"], "fr": ["Renfort développeurs"]},
        bodies={
            "en": [
                "I'm {first} from {vendorco}, a [software development|nearshore engineering|offshore dev] company "
                "with {n}0+ engineers. || We help [SaaS companies|data startups] like Cobalt [ship faster|extend "
                "their teams] at [{percent}% lower cost|a fraction of the cost]. || Open to a quick call "
                "[next week|this week]?",
                "[Are you hiring|Need more] [React|Python|data] developers? || {vendorco} provides [dedicated "
                "teams|staff augmentation] [in|from] [Eastern Europe|Latin America|India]. ||?Case studies attached.",
                "We build [custom connectors|MVPs|web apps] for [companies like yours|data platforms]. || "
                "[Would|Could] [it|this] make sense to [chat|connect] for 15 minutes?",
                "Following up on my previous email — [did you get a chance to|any thoughts on] [look at|"
                "reviewing] our proposal for [QA outsourcing|dev resources]?",
            ],
            "de": ["Wir sind {vendorco}, ein Softwareentwicklungsunternehmen mit {n}0 Entwicklern. || Wir "
                   "unterstützen SaaS-Firmen wie Cobalt mit Nearshore-Teams. || Hätten Sie Zeit für ein kurzes "
                   "Gespräch?"],
            "es": ["Somos {vendorco}, empresa de desarrollo de software. || Ofrecemos equipos dedicados a un "
                   "{percent}% menos de coste. || ¿Hablamos?"],
            "pt": ["Somos a {vendorco}, empresa de desenvolvimento. || Oferecemos times dedicados para empresas "
                   "como a Cobalt. || Podemos conversar?"],
            "fr": ["Nous sommes {vendorco}, société de développement logiciel. || Nous proposons des équipes "
                   "dédiées pour les éditeurs SaaS comme Cobalt."],
        },
    ),
    Family(
        name="vendor.seo_marketing", type="vendor", role="vendor", channels=VENDOR_CH, urgency={"low": 1.0},
        injection=0.08, topic="Marketing",
        subjects={"en": ["Your website traffic", "Rank higher on Google", "SEO audit for cobaltdata.com",
                         "More demos for Cobalt", "Quick idea for your marketing"],
                  "it": ["Posizionamento SEO"], "nl": ["SEO voor uw website"], "de": ["SEO-Analyse"]},
        bodies={
            "en": [
                "I [ran|did] a quick [SEO audit|analysis] of cobaltdata.com and found {n} [issues|quick wins] "
                "[holding back your rankings|costing you traffic]. || We're {vendorco}, [an SEO agency|a growth "
                "agency]. || Want the full report?",
                "We [help|helped] [B2B SaaS|data] companies [double|triple] [organic traffic|demo bookings] "
                "[in 90 days|within a quarter]. || Can I send [a proposal|some examples]?",
                "[Would you like|Interested in] [more qualified leads|{n}0 new meetings a month] [from LinkedIn "
                "outreach|with our appointment setting service]? || [Pay per meeting|No retainer].",
                "Hi, || I noticed your [blog|website] [could use|is missing] [a refresh|better landing pages]. || "
                "We're a [web design|content marketing] studio — happy to share ideas.",
            ],
            "it": ["Abbiamo analizzato il vostro sito e trovato {n} problemi SEO. || Siamo {vendorco}, agenzia "
                   "di marketing. || Vi interessa una proposta?"],
            "nl": ["Wij hebben een SEO-scan van uw website gedaan. || {vendorco} helpt SaaS-bedrijven aan meer "
                   "verkeer. || Interesse in een voorstel?"],
            "de": ["Wir haben eine kurze SEO-Analyse Ihrer Website gemacht. || {vendorco} hilft B2B-Firmen "
                   "zu mehr Leads. || Darf ich Ihnen ein Angebot schicken?"],
            "ja": ["{vendorco}と申します。|| 御社サイトのSEO改善についてご提案させてください。"],
        },
    ),
    Family(
        name="vendor.lead_lists", type="vendor", role="vendor", channels=VENDOR_CH, urgency={"low": 1.0},
        injection=0.08, topic="Sales",
        subjects={"en": ["Snowflake users contact list", "Verified B2B data", "Attendee list", "Lead list offer"]},
        bodies={
            "en": [
                "Would you be interested in [acquiring|a list of] [verified|{n}0,000] contacts of companies using "
                "[{warehouse}|{competitor}|{source}]? || [Includes|With] [emails, phone numbers and job titles|"
                "decision makers' details].",
                "We have the [attendee list|contact list] of [{event}|Big Data Week] — {n},000 [verified|opt-in] "
                "contacts. || [Interested in pricing?|Shall I send counts and pricing?]",
                "[Hi|Hello], we provide [B2B contact data|intent data] for [tech|SaaS] sales teams. || "
                "[Free sample|Sample file] available on request.",
            ],
            "es": ["¿Le interesa una base de datos con {n}0.000 contactos de empresas que usan {warehouse}?"],
            "fr": ["Seriez-vous intéressé par la liste des participants de {event} ? || {n} 000 contacts "
                   "vérifiés."],
        },
    ),
    Family(
        name="vendor.saas_pitch", type="vendor", role="vendor", channels=VENDOR_CH, urgency={"low": 1.0},
        injection=0.04, topic="Other", reply=0.2,
        subjects={"en": ["Cut your cloud bill by {percent}%", "Idea for Cobalt's sales team",
                         "{first}, quick question", "Re: our conversation", "Better office coffee"],
                  "de": ["Kosten senken"], "fr": ["Réduire vos coûts cloud"], "pt": ["Proposta"],
                  "es": ["Propuesta"], "it": ["Proposta commerciale"], "nl": ["Voorstel"]},
        bodies={
            "en": [
                "[Teams like yours|Companies like Cobalt] [use|rely on] {vendorco} to [cut AWS spend by {percent}%|"
                "automate expense reports|run payroll across {n} countries]. || [Worth a chat?|Open to a demo?]",
                "I help [sales teams|SDR teams] at [data companies|SaaS companies] [book more meetings|enrich "
                "CRM data] with {vendorco}. || [Would you be the right person to talk to?|Who handles this?]",
                "[Quick question|Curious] — who at Cobalt [handles|owns] [office supplies|employee benefits|"
                "corporate travel|your phone system]? || We [offer|provide] [a better deal|{percent}% savings].",
                "Just bumping this to the top of your inbox. || [Did you see my note about|Any interest in] "
                "{vendorco}?",
            ],
            "de": ["Unternehmen wie Cobalt sparen mit {vendorco} bis zu {percent}% ihrer Cloud-Kosten. || "
                   "Wäre eine kurze Demo interessant?"],
            "fr": ["Des entreprises comme Cobalt réduisent leurs coûts cloud de {percent}% avec {vendorco}. || "
                   "Un échange de 15 minutes ?"],
            "pt": ["Empresas como a Cobalt usam a {vendorco} para reduzir custos em {percent}%. || Podemos "
                   "conversar?"],
            "es": ["Empresas como Cobalt ahorran un {percent}% con {vendorco}. || ¿Le interesa una demo?"],
            "it": ["Aziende come Cobalt risparmiano il {percent}% con {vendorco}. || Le interessa una demo?"],
            "nl": ["Bedrijven zoals Cobalt besparen {percent}% met {vendorco}. || Interesse in een demo?"],
            "ja": ["{vendorco}の{first}と申します。|| 御社のコスト削減につながるサービスをご紹介させてください。"],
        },
    ),
]

INVESTOR = [
    Family(
        name="investor.vc", type="investor", role="investor",
        channels={"email": 0.6, "linkedin": 0.3, "web_form": 0.1}, urgency={"normal": 0.85, "low": 0.15},
        topic="Other", forward=0.05,
        subjects={"en": ["Introduction from {fund}", "Would love to meet the founders", "Investment conversation",
                         "Following Cobalt's growth"], "de": ["Investment"], "fr": ["Investissement"],
                  "es": ["Inversión"], "pt": ["Investimento"], "nl": ["Investering"], "it": ["Investimento"],
                  "ja": ["出資のご相談"]},
        bodies={
            "en": [
                "I'm a [partner|principal|investor] at {fund}, [a Series A|an early-stage|a growth-stage] fund "
                "focused on [data infrastructure|B2B SaaS|developer tools]. || [We've been following Cobalt|"
                "Cobalt came up in our research] and I'd love to meet the founders. || [Are you raising?|No "
                "agenda, just to get to know you.]",
                "{fund} [is leading|is putting together] [rounds|investments] in the modern data stack. || "
                "Would you be open to [a coffee|a 30-minute call] about your next round?",
                "[Congrats on the traction!|Heard great things from customers.] || We invest [$2-10M|€1-5M] "
                "[tickets|cheques] in [Seed and Series A|growth rounds]. || [Happy to share our thesis.|Could we "
                "set up an intro with your CEO?]",
            ],
            "de": ["Ich bin Partner bei {fund}, wir investieren in Dateninfrastruktur. || Wir würden gerne die "
                   "Gründer kennenlernen — planen Sie eine Finanzierungsrunde?"],
            "fr": ["Je suis associé chez {fund}, fonds early-stage. || Nous aimerions rencontrer les fondateurs "
                   "de Cobalt au sujet de votre prochaine levée de fonds."],
            "es": ["Soy socio en {fund}, fondo de capital riesgo. || Nos gustaría conocer a los fundadores y "
                   "hablar de su próxima ronda."],
            "pt": ["Sou sócio no {fund}, fundo de venture capital. || Gostaríamos de conhecer os fundadores."],
            "nl": ["Ik ben partner bij {fund}, een durfkapitaalfonds. || We maken graag kennis met de oprichters."],
            "it": ["Sono partner di {fund}, fondo di venture capital. || Vorremmo conoscere i fondatori."],
            "ja": ["{fund}のパートナーをしております。|| 御社の次回の資金調達についてお話を伺えればと思います。"],
        },
    ),
    Family(
        name="investor.angel_banker", type="investor", role="investor", channels={"email": 0.7, "linkedin": 0.3},
        urgency={"normal": 0.9, "low": 0.1}, topic="Other", sender="mixed",
        subjects={"en": ["Angel investment", "M&A interest", "Strategic options", "Secondary shares"]},
        bodies={
            "en": [
                "I'm an angel investor [and former CTO|who backed two data startups]. || If you're raising, I'd "
                "be glad to [participate|write a cheque] and help with [enterprise sales|hiring].",
                "I'm a [managing director|banker] at [{fund}|a boutique investment bank] covering [data "
                "infrastructure|software M&A]. || A few strategic buyers have asked about Cobalt. || Would the "
                "founders be open to a confidential conversation?",
                "We're a [private equity|growth equity] firm looking at [acquisitions|minority stakes] in "
                "[data integration|analytics] companies. || [Is|Would] the board [be|] open to a discussion?",
                "We buy [secondary shares|employee shares] in private tech companies. || Interested in "
                "[liquidity for early employees|a tender]?",
            ],
            "de": ["Ich bin Business Angel und würde mich gerne an Ihrer nächsten Runde beteiligen."],
            "fr": ["Banquier d'affaires chez {fund}, plusieurs acquéreurs s'intéressent à Cobalt."],
        },
    ),
]
