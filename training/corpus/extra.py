"""More families per type, so that holding one out still leaves the type's concepts in training."""

from __future__ import annotations

from training.corpus.engine import Family

SALES_URG = {"high": 0.3, "normal": 0.5, "low": 0.2}

SALES = [
    Family(
        name="sales.reply_to_outbound", type="sales", channels={"email": 0.85, "linkedin": 0.15}, urgency=SALES_URG,
        urgency_pool="sales", crm={"prospect": 0.5}, reply=0.9, topic="Sales",
        subjects={"en": ["Re: Cobalt for {company}", "Re: quick question", "Re: pipelines at {company}"],
                  "de": ["AW: Cobalt für {company}"], "fr": ["RE: Cobalt pour {company}"],
                  "es": ["RE: Cobalt para {company}"], "nl": ["Re: Cobalt voor {company}"]},
        bodies={
            "en": ["[Thanks for reaching out|Thanks for following up] — [good timing actually|your timing is good]. "
                   "|| We're [revisiting|looking at] how we get {source} data into {warehouse}. || [Happy to|Let's] "
                   "[talk|set up a call] [next week|on {weekday}].",
                   "Yes, [we'd be interested|this is on our roadmap]. || Can you send [pricing|a deck] and a few "
                   "times for a demo?", "Not me, but {colleague} on our data team owns this — cc'ing them. || "
                   "{colleague}, worth a look for the {warehouse} project."],
            "de": ["Danke für die Nachricht, das Timing passt gut. || Wir überarbeiten gerade unsere Datenstrecke "
                   "nach {warehouse}. || Lassen Sie uns nächste Woche sprechen."],
            "fr": ["Merci pour votre message, le timing est bon. || Nous revoyons nos flux vers {warehouse}. || "
                   "Parlons-en la semaine prochaine."],
            "es": ["Gracias por escribir, el momento es bueno. || Estamos revisando cómo llevar datos a "
                   "{warehouse}. || Hablemos la semana que viene."],
            "nl": ["Bedankt voor je bericht, goede timing. || We kijken opnieuw naar onze pipelines naar "
                   "{warehouse}. || Laten we volgende week bellen."],
        },
    ),
    Family(
        name="sales.event_followup", type="sales", channels={"email": 0.6, "linkedin": 0.25, "web_form": 0.15},
        urgency=SALES_URG, urgency_pool="sales", crm={"prospect": 0.3}, topic="Sales",
        subjects={"en": ["Great meeting you at {event}", "Following up from {event}", "From the booth"],
                  "it": ["Dopo {event}"], "pt": ["Depois do {event}"], "ja": ["{event}でのご挨拶"]},
        bodies={
            "en": ["[Great|Nice] meeting your team at [{event}|the booth]. || [As discussed|Like I said], we "
                   "[want to|need to] [replace|consolidate] our [ingestion|ETL] [for|into] {warehouse}. || "
                   "Can we [continue the conversation|book the technical deep dive]?",
                   "I [stopped by|visited] your stand at {event} and [liked|was impressed by] the [CDC|reverse "
                   "ETL] demo. || We're a {size}-person {industry} [company|business]. || [Next steps?|Could you "
                   "send more info?]"],
            "it": ["Ci siamo conosciuti a {event}. || Vorremmo approfondire la vostra piattaforma per "
                   "{warehouse}. || Possiamo fissare una demo?"],
            "pt": ["Nos conhecemos no {event}. || Queremos avançar com a conversa sobre pipelines para "
                   "{warehouse}."],
            "ja": ["{event}でブースに伺いました。|| {warehouse}へのデータ連携について、詳しくお話を伺いたいです。"],
            "nl": ["Leuk jullie te spreken op {event}. || We willen verder praten over pipelines naar {warehouse}."],
        },
    ),
]

SUPPORT = [
    Family(
        name="support.bug_or_feature", type="support", channels={"support_ticket": 0.5, "email": 0.3, "chat": 0.2},
        urgency={"normal": 0.7, "low": 0.25, "high": 0.05}, urgency_pool="support", crm={"customer": 0.6},
        topic="Support",
        subjects={"en": ["Bug report", "UI issue", "Feature request", "Something is off in the dashboard"],
                  "de": ["Fehlermeldung"], "pt": ["Bug"], "it": ["Segnalazione bug"], "ja": ["不具合の報告"]},
        bodies={
            "en": ["[Found a bug|Bug]: the [export button|schema browser|run history page] [doesn't load|shows an "
                   "error] in [Chrome|Firefox|Safari]. ||?Steps: open the {source} connector, click [Logs|"
                   "Settings].", "Feature request from [our team|a happy user]: [support for {source} custom "
                   "objects|column-level lineage|Slack alerts on failures]. || Is it on the roadmap?",
                   "[The|Our] [alert emails|sync notifications] [stopped arriving|go to spam] after "
                   "[the update|last week]. || We use Cobalt for {source} -> {warehouse}."],
            "de": ["Fehler gefunden: die Verlaufsseite lädt nicht. || Wir nutzen Cobalt für {source}."],
            "pt": ["Encontrei um bug: a página de histórico não carrega. || Usamos a Cobalt para {source}."],
            "it": ["Ho trovato un bug: la pagina dei log non si carica. || Usiamo Cobalt per {source}."],
            "ja": ["不具合を見つけました。実行履歴のページが表示されません。"],
            "fr": ["J'ai trouvé un bug : la page d'historique ne se charge pas."],
            "es": ["Encontré un error: la página de historial no carga."],
        },
    ),
]

PARTNERSHIP = [
    Family(
        name="partnership.referral_affiliate", type="partnership", role="partner",
        channels={"email": 0.5, "web_form": 0.35, "linkedin": 0.15}, urgency={"normal": 0.8, "low": 0.2},
        topic="Partnership",
        subjects={"en": ["Referral partnership", "Affiliate program?", "Partner commission"],
                  "de": ["Empfehlungspartnerschaft"], "es": ["Programa de referidos"], "fr": ["Apporteur d'affaires"]},
        bodies={
            "en": ["Do you have [an affiliate|a referral] program? || [I advise|We advise] [data teams|mid-market "
                   "companies] on their stack and [often|regularly] recommend [ELT tools|pipeline vendors]. || "
                   "[What commission do partners get?|How do referral fees work?]",
                   "[We're|I'm] a [fractional data team|freelance analytics engineer|small consultancy]. || We'd "
                   "like to [refer clients|introduce customers] to Cobalt and [partner on|co-deliver] the "
                   "implementations."],
            "de": ["Haben Sie ein Partnerprogramm für Empfehlungen? || Wir beraten Mittelständler zu ihrer "
                   "Datenplattform und würden Cobalt gerne empfehlen."],
            "es": ["¿Tienen un programa de partners o referidos? || Asesoramos a empresas en su stack de datos."],
            "fr": ["Avez-vous un programme d'apporteurs d'affaires ? || Nous conseillons des entreprises sur "
                   "leur stack data et aimerions devenir partenaires."],
            "pt": ["Vocês têm programa de parceiros? || Queremos indicar clientes e fazer a implementação."],
            "it": ["Avete un programma partner? || Vorremmo segnalare clienti e curare le implementazioni."],
        },
    ),
    Family(
        name="partnership.alliances_gtm", type="partnership", role="partner",
        channels={"email": 0.7, "linkedin": 0.3}, urgency={"normal": 0.85, "low": 0.15}, topic="Partnership",
        subjects={"en": ["Joint go-to-market", "Co-sell opportunity", "Webinar together?", "Alliance discussion"],
                  "nl": ["Samenwerking"], "ja": ["協業のご提案"]},
        bodies={
            "en": ["I lead alliances at {vendorco}, a [systems integrator|cloud consultancy|{warehouse} partner]. "
                   "|| [We|Our team] [see|keep seeing] Cobalt in our clients' stacks. || Could we explore "
                   "[a joint go-to-market|co-selling|a formal partnership]?",
                   "Would Cobalt like to [co-host a webinar|run a joint meetup|write a joint guide] on "
                   "[{warehouse} ingestion|CDC best practices] with {vendorco}? || [Our audiences|Our customers] "
                   "[overlap|are the same data teams]."],
            "nl": ["Wij zijn {vendorco}, een systeemintegrator. || We willen graag een samenwerking en gezamenlijke "
                   "go-to-market met Cobalt verkennen."],
            "ja": ["{vendorco}でアライアンスを担当しております。"
                    "|| 御社との協業・共同販売についてご相談させてください。"],
            "de": ["Wir sind {vendorco}, Systemintegrator. || Wir möchten eine gemeinsame Go-to-Market-Partnerschaft "
                   "mit Cobalt besprechen."],
            "fr": ["Nous sommes {vendorco}, intégrateur. || Nous aimerions co-organiser un webinar avec Cobalt."],
        },
    ),
]

PRESS = [
    Family(
        name="press.newsletter_quote", type="press", role="press", channels={"email": 0.6, "linkedin": 0.4},
        urgency={"high": 0.35, "normal": 0.6, "low": 0.05}, urgency_pool="press", topic="Press",
        subjects={"en": ["Quote for a story", "Feature in my newsletter", "Comment on the outage news"],
                  "es": ["Entrevista para newsletter"], "de": ["Zitat für Artikel"]},
        bodies={
            "en": ["I write [a newsletter|a weekly column] on [data engineering|the data industry] [with {n},000 "
                   "readers|for {outlet}]. || I'd like to [feature Cobalt|interview your founder] [in an upcoming "
                   "issue|for a profile].",
                   "[Looking for|Need] a [quick quote|short comment] from [a data infrastructure company|Cobalt] "
                   "on [the cloud outage|new EU data rules|AI and data pipelines] for a story I'm [writing|"
                   "filing]. || [Two or three sentences is fine.|Could your CEO comment?]"],
            "es": ["Escribo una newsletter sobre ingeniería de datos. || Me gustaría entrevistar a su fundador."],
            "de": ["Ich schreibe einen Artikel über Datenplattformen und suche ein kurzes Zitat von Cobalt."],
            "pt": ["Escrevo uma newsletter sobre dados e gostaria de entrevistar o fundador da Cobalt."],
            "fr": ["J'écris une newsletter sur la data et j'aimerais interviewer votre fondateur."],
        },
    ),
]

RECRUITING = [
    Family(
        name="recruiting.roles_question", type="recruiting", role="applicant", sender="mixed",
        channels={"email": 0.35, "linkedin": 0.35, "web_form": 0.2, "chat": 0.1}, urgency={"normal": 0.85, "low": 0.15},
        topic="Careers",
        subjects={"en": ["Question about the {city} role", "Is the position remote?", "Referral for your team",
                         "Internship"], "it": ["Posizioni aperte"], "pt": ["Vagas"], "ja": ["求人について"]},
        bodies={
            "en": ["Is the [senior data engineer|solutions engineer|product manager] [role|opening] [remote-friendly|"
                   "still open|based in {city}]? || [I'd like to apply|I'm interested] but wanted to check first.",
                   "[A friend|My former colleague] is [looking for a new role|job hunting] in [data engineering|"
                   "sales]. || Can I refer [her|him] for your open [positions|roles]? ||?[CV|LinkedIn] attached.",
                   "I'm [a final-year student|graduating in {month}] and looking for a [summer internship|graduate "
                   "job] at Cobalt. || [Are you hiring interns?|Do you have a graduate program?]"],
            "it": ["Avete posizioni aperte per data engineer? || Vorrei candidarmi."],
            "pt": ["Vocês estão contratando? || Tenho interesse em uma vaga de engenharia."],
            "ja": ["現在、エンジニアの募集はありますか。|| 応募を検討しております。"],
            "es": ["¿Tienen vacantes abiertas? || Me gustaría aplicar a un puesto de ingeniería."],
            "nl": ["Hebben jullie vacatures? || Ik wil graag solliciteren."],
            "de": ["Ist die Stelle als Data Engineer remote möglich? || Ich würde mich gerne bewerben."],
            "fr": ["Le poste de data engineer est-il ouvert au télétravail ? || J'aimerais postuler."],
        },
    ),
]

VENDOR = [
    Family(
        name="vendor.events_media_services", type="vendor", role="vendor", channels={"email": 0.7, "linkedin": 0.3},
        urgency={"low": 1.0}, injection=0.06, topic="Marketing",
        subjects={"en": ["Sponsorship packages for {event}", "Exhibit at {event}", "Explainer video for Cobalt",
                         "AI chatbot for your website"], "de": ["Sponsoring {event}"], "es": ["Patrocinio"],
                  "fr": ["Sponsoring {event}"], "it": ["Sponsorizzazione"], "nl": ["Sponsoring"]},
        bodies={
            "en": ["[Booth|Sponsorship] packages for {event} are [now available|almost sold out]. || [Gold|"
                   "Silver] sponsors get [a keynote slot|the attendee list] for {amount}. || [Shall I send the "
                   "prospectus?|Interested?]",
                   "We [make|produce] [animated explainer videos|product demo videos|case study videos] for "
                   "[SaaS companies|B2B tech]. || [Here's our reel|Portfolio]: {url}",
                   "[Add|Put] an AI chatbot on cobaltdata.com and [convert more visitors|capture leads 24/7]. || "
                   "{vendorco} [sets it up in a day|offers a free trial]."],
            "de": ["Sponsoring-Pakete für {event} sind jetzt verfügbar. || Gold-Sponsoren erhalten einen "
                   "Vortragsslot für {amount}."],
            "es": ["Ya están disponibles los paquetes de patrocinio para {event}. || ¿Le envío el dossier?"],
            "fr": ["Les packs de sponsoring pour {event} sont disponibles. || Je vous envoie la plaquette ?"],
            "it": ["Sono disponibili i pacchetti sponsor per {event}. || Le invio la brochure?"],
            "nl": ["Sponsorpakketten voor {event} zijn beschikbaar. || Zal ik de brochure sturen?"],
        },
    ),
]

INVESTOR = [
    Family(
        name="investor.round_followup", type="investor", role="investor", channels={"email": 0.6, "linkedin": 0.4},
        urgency={"normal": 0.85, "low": 0.15}, topic="Other",
        subjects={"en": ["Congrats on the round", "Series B conversations", "Scout for {fund}",
                         "Accelerator invitation"], "es": ["Ronda de inversión"], "it": ["Round di investimento"],
                  "nl": ["Financieringsronde"], "ja": ["資金調達について"]},
        bodies={
            "en": ["[Congrats on|Saw the news about] your [seed|Series A] [round|raise]! || We'd love to be "
                   "considered for [your next round|the Series B] — [we lead|we co-invest in] rounds of "
                   "[$10-30M|€5-20M]. || [Open to a call?|Could I meet your CEO?]",
                   "I'm a scout for {fund}. || [Cobalt|Your team] [fits our thesis|is exactly the kind of company "
                   "we back] in [data infrastructure|B2B software]. || Are you [fundraising|open to investment] "
                   "[this year|at the moment]?",
                   "We run [a family office|an accelerator program] investing in [European|early-stage] SaaS. || "
                   "[Would the founders be open to an intro?|Are you raising?]"],
            "es": ["Felicidades por la ronda. || Nos encantaría participar en la siguiente, invertimos en SaaS."],
            "it": ["Complimenti per il round! || Vorremmo partecipare al prossimo round di investimento."],
            "nl": ["Gefeliciteerd met de financieringsronde. || Wij investeren graag mee in de volgende ronde."],
            "ja": ["資金調達おめでとうございます。|| 次回ラウンドへの出資を検討させていただけないでしょうか。"],
            "pt": ["Parabéns pela rodada! || Gostaríamos de investir na próxima."],
        },
    ),
]

STUDENT = [
    Family(
        name="student.class_project", type="student", role="student", sender="free",
        channels={"email": 0.45, "web_form": 0.3, "linkedin": 0.25}, urgency={"low": 1.0}, topic="Other",
        subjects={"en": ["Student project", "School assignment about your company", "Education licence"],
                  "nl": ["Schoolproject"], "ja": ["授業の課題について"], "pt": ["Trabalho da faculdade"]},
        bodies={
            "en": ["[We are|I'm part of] a team of [students|undergrads] at {university} [building a startup idea|"
                   "doing a case study] for [class|our course]. || Could we [interview a data engineer|ask "
                   "you some questions] [for our assignment|for the project]?",
                   "I teach [a data engineering course|a class on cloud analytics] at {university}. || Could "
                   "[my students|the class] get [free education accounts|a classroom licence] for the "
                   "[semester|term]?",
                   "[hi|hey] im a student doing a [school|college] project on [data pipelines|SaaS startups], "
                   "can i ask [some|a few] questions?"],
            "nl": ["Wij zijn studenten van {university} en doen een schoolproject over startups. || Mogen we "
                   "jullie een paar vragen stellen?"],
            "ja": ["{university}の学生です。授業の課題で御社について調べています。"
                    "|| いくつか質問させていただけますか。"],
            "pt": ["Somos estudantes da {university} fazendo um trabalho da faculdade. || Podemos fazer algumas "
                   "perguntas?"],
            "de": ["Wir sind Studierende an der {university} und machen ein Uni-Projekt. || Dürfen wir Ihnen "
                   "ein paar Fragen stellen?"],
            "it": ["Siamo studenti del {university} e facciamo un progetto per il corso. || Possiamo farvi "
                   "qualche domanda?"],
            "es": ["Somos estudiantes de la {university} y hacemos un proyecto de clase. || ¿Podemos hacerles "
                   "unas preguntas?"],
            "fr": ["Nous sommes étudiants à {university} et faisons un projet de cours. || Pouvons-nous vous "
                   "poser quelques questions ?"],
        },
    ),
]

SPAM = [
    Family(
        name="spam.ceo_fraud_extortion", type="spam", sender="spam", role="spam",
        channels={"email": 0.8, "web_form": 0.2}, urgency={"low": 1.0}, injection=0.05, topic="Other", reply=0.0,
        subjects={"en": ["Are you at your desk?", "Quick favour", "Your device has been hacked",
                         "Confidential request"], "de": ["Dringende Bitte"], "fr": ["Demande confidentielle"],
                  "it": ["Richiesta urgente"]},
        bodies={
            "en": ["Are you [available|at your desk]? I need you to [buy some gift cards|make a quick wire "
                   "transfer] for a client [urgently|today]. || [Keep this confidential.|Reply with your cell "
                   "number.]",
                   "I [hacked|have access to] your device and recorded you. || Send [$950|1500 USD] in Bitcoin to "
                   "[this wallet|the address below] within 48 hours or I [share the video|release everything].",
                   "[Hello dear|Dear friend], I have a [business proposal|confidential offer] of [mutual benefit|"
                   "great profit] for you. || Reply [for details|to my private email]."],
            "de": ["Sind Sie gerade am Platz? Ich brauche dringend Gutscheinkarten für einen Kunden. || Bitte "
                   "vertraulich behandeln."],
            "fr": ["Êtes-vous disponible ? J'ai besoin d'un virement urgent et confidentiel aujourd'hui."],
            "it": ["Sei disponibile? Ho bisogno urgentemente di un bonifico riservato."],
            "es": ["¿Está disponible? Necesito que compre tarjetas regalo urgentemente."],
            "pt": ["Está disponível? Preciso de uma transferência urgente e confidencial."],
        },
    ),
]

UNKNOWN = [
    Family(
        name="unknown.misdirected", type="unknown", sender="mixed", role="none",
        channels={"email": 0.5, "web_form": 0.2, "chat": 0.2, "linkedin": 0.1}, urgency={"normal": 0.5, "low": 0.5},
        topic="Other", fields=False, reply=0.5,
        subjects={"en": ["Re: {subj}", "Who is this?", "?"], "de": ["Wer sind Sie?"], "es": ["¿Quién es?"]},
        bodies={
            "en": ["[Sorry,|Hi,] who is this? || [Did you mean to send this to me?|I don't recognise this.]",
                   "I think this [was meant for|should go to] someone else.", "[Got|Received] your message but "
                   "not sure what it's about.", "[Please|Can you] [explain|tell me] what this is regarding?",
                   "Following up on [our call|the thing we discussed].", "[Re:|As discussed] see [my|the] "
                   "previous message."],
            "de": ["Wer sind Sie? || Ich glaube, diese Nachricht ist nicht für mich."],
            "es": ["¿Quién es? || Creo que este mensaje no es para mí."],
            "fr": ["Qui êtes-vous ? || Je pense que ce message ne m'est pas destiné."],
            "pt": ["Quem é? || Acho que essa mensagem não era para mim."],
            "it": ["Chi è? || Credo che questo messaggio non sia per me."],
            "nl": ["Wie is dit? || Ik denk dat dit bericht niet voor mij is."],
            "ja": ["どちら様でしょうか。|| 送信先をお間違えではないでしょうか。"],
        },
    ),
]

# Siblings for the sub-intents that held-out evaluation showed to be thin.
SALES += [
    Family(
        name="sales.plan_upgrade", type="sales", channels={"email": 0.4, "chat": 0.3, "web_form": 0.15,
                                                           "support_ticket": 0.15},
        urgency=SALES_URG, urgency_pool="sales", crm={"customer": 0.7, "prospect": 0.1}, topic="Sales",
        subjects={"en": ["Upgrading from Starter", "Need a bigger plan", "Adding a business unit"],
                  "de": ["Upgrade unseres Plans"], "fr": ["Passer au plan supérieur"], "es": ["Mejorar el plan"],
                  "ja": ["上位プランへの変更"], "pt": ["Upgrade de plano"]},
        bodies={
            "en": ["We started on [the Starter plan|self-serve] [a few months ago|last year] and [outgrew it|are "
                   "hitting the limits]. || [We want|Time] to [move to|upgrade to] {plan} [for SSO and more "
                   "connectors|with an annual contract]. || Who [do I talk to|can help]?",
                   "Our [finance|marketing|EU] team [wants|needs] [Cobalt too|their own pipelines]. || Can we "
                   "[add another workspace|add {n} more users|buy more connectors] on our [account|contract]?",
                   "[we use cobalt already|existing customer here] — [want to add|looking to buy] [reverse "
                   "ETL|CDC|more row volume] for [another|a new] team, [pricing?|can you quote?]"],
            "de": ["Wir nutzen Cobalt bereits im Starter-Plan und möchten auf {plan} upgraden. || Wer kann uns "
                   "ein Angebot machen?"],
            "fr": ["Nous utilisons déjà Cobalt et souhaitons passer au plan {plan} pour une nouvelle équipe."],
            "es": ["Ya usamos Cobalt y queremos ampliar a otro equipo con el plan {plan}. || ¿Nos envían precio?"],
            "ja": ["現在Starterプランを利用中ですが、{plan}プランへのアップグレードを検討しています。"],
            "pt": ["Já usamos a Cobalt e queremos contratar mais conectores para outra equipe."],
            "nl": ["We gebruiken Cobalt al en willen uitbreiden naar een tweede team."],
            "it": ["Usiamo già Cobalt e vorremmo estenderlo a un altro team."],
        },
    ),
]
PRESS += [
    Family(
        name="press.research_media_requests", type="press", role="press",
        channels={"email": 0.6, "web_form": 0.25, "linkedin": 0.15},
        urgency={"high": 0.25, "normal": 0.7, "low": 0.05}, urgency_pool="press", topic="Press",
        subjects={"en": ["Media inquiry", "Speaking opportunity", "Analyst inquiry", "Interview for {outlet}"],
                  "it": ["Intervista"], "fr": ["Interview"], "de": ["Interviewanfrage"], "nl": ["Interview"]},
        bodies={
            "en": ["[I'm|We're] [preparing|producing] [a report|an episode|a panel] on [data infrastructure|the "
                   "ELT market|data engineering trends] [for {outlet}|at {event}]. || Would [your CEO|a product "
                   "leader|a Cobalt spokesperson] [join us|be available to speak|share their view]?",
                   "[Media|Analyst] inquiry: || we [cover|track] [data integration vendors|the modern data stack] "
                   "and would like [a briefing|an interview|updated company facts] from Cobalt."],
            "it": ["Stiamo preparando un servizio sul mercato dei dati per {outlet}. || Il vostro CEO sarebbe "
                   "disponibile per un'intervista?"],
            "fr": ["Nous préparons un épisode sur l'ingénierie des données. || Votre CEO pourrait-il intervenir ?"],
            "de": ["Wir bereiten eine Podiumsdiskussion auf {event} vor. || Möchte Ihr CEO teilnehmen?"],
            "nl": ["We maken een reportage over data-integratie voor {outlet}. || Is jullie CEO beschikbaar?"],
            "es": ["Preparamos un reportaje sobre datos para {outlet}. || ¿Su CEO podría participar?"],
        },
    ),
]
RECRUITING += [
    Family(
        name="recruiting.talent_offers", type="recruiting", role="recruit", channels={"email": 0.55, "linkedin": 0.45},
        urgency={"normal": 0.75, "low": 0.25}, topic="Careers",
        subjects={"en": ["Top engineering talent", "Candidate for your AE opening", "Hiring support"],
                  "fr": ["Candidats"], "it": ["Candidati"], "pt": ["Candidatos"]},
        bodies={
            "en": ["[Noticed|Saw] Cobalt is hiring [{n} engineers|account executives|a VP Sales]. || I [represent|"
                   "work with] [a candidate|several candidates] [who fit|matching] the [role|profile]. || [Happy "
                   "to share profiles.|Shall we talk terms?]",
                   "[We are|I run] a [tech|sales] recruitment [agency|firm]. || [Can we help|Could we support] "
                   "your hiring [for the {city} office|this quarter]? || [Fee only on placement.|Candidates "
                   "pre-vetted.]"],
            "fr": ["Je suis recruteur et je représente des candidats pour vos postes ouverts."],
            "it": ["Sono un recruiter e ho candidati adatti alle vostre posizioni aperte."],
            "pt": ["Sou recrutador e tenho candidatos para as suas vagas abertas."],
            "de": ["Wir sind eine Personalberatung und haben passende Kandidaten für Ihre offenen Stellen."],
            "es": ["Somos una agencia de selección y tenemos candidatos para sus vacantes."],
        },
    ),
]
STUDENT += [
    Family(
        name="student.research_survey", type="student", role="student", sender="mixed",
        channels={"email": 0.5, "web_form": 0.3, "linkedin": 0.2}, urgency={"low": 1.0}, topic="Other",
        subjects={"en": ["Academic survey", "Research participation", "Dissertation survey"],
                  "de": ["Umfrage Bachelorarbeit"], "es": ["Encuesta TFG"], "it": ["Questionario tesi"]},
        bodies={
            "en": ["[As part of|For] my [bachelor's|master's] [dissertation|research] at {university}, I'm "
                   "[surveying|collecting answers from] [data professionals|SaaS companies]. || [The survey takes "
                   "10 minutes|It's anonymous]: {url}", "[Our research group|My supervisor and I] at {university} "
                   "[study|are studying] [how companies adopt ELT|data pipeline failures]. || Would someone at "
                   "Cobalt [take part|answer a short questionnaire] for our [paper|study]?"],
            "de": ["Für meine Bachelorarbeit an der {university} führe ich eine Umfrage durch. || Würden Sie "
                   "teilnehmen? {url}"],
            "es": ["Para mi TFG en la {university} estoy haciendo una encuesta. || ¿Podrían responderla? {url}"],
            "it": ["Per la mia tesi all'{university} sto raccogliendo risposte a un questionario. || {url}"],
            "fr": ["Pour mon mémoire à {university}, je réalise une enquête. || Pourriez-vous y répondre ?"],
            "pt": ["Para a minha dissertação na {university}, faço um questionário. || Podem responder?"],
            "nl": ["Voor mijn scriptie aan {university} doe ik een enquête. || Willen jullie meedoen?"],
            "ja": ["{university}の卒業研究でアンケートを実施しています。|| ご協力いただけますでしょうか。"],
        },
    ),
]
SPAM += [
    Family(
        name="spam.bot_link_drop", type="spam", sender="spam", role="spam",
        channels={"web_form": 0.5, "chat": 0.2, "email": 0.2, "demo_request": 0.1}, urgency={"low": 1.0},
        topic="Other", injection=0.05,
        bodies={
            "en": ["[Hello|Hi|Good day]! [Check this out|Look at this|Nice offer]: {url}",
                   "[Wow|Amazing] [site|website]! [Visit|See] mine {url} {url}",
                   "[Buy|Cheap] [followers|likes|viagra|replica watches] [online|now] {url}",
                   "[qwe|zxc|asd] {url} [zxcvb|poiuy]", "[Your site has|We found] [errors|a problem] "
                   "[click|see] {url}"],
            "de": ["Hallo! Schau mal hier: {url}"], "fr": ["Salut ! Regarde ça : {url}"],
            "es": ["¡Hola! Mira esto: {url}"], "pt": ["Oi! Veja isto: {url}"], "it": ["Ciao! Guarda qui: {url}"],
            "nl": ["Hoi! Kijk eens: {url}"], "ja": ["こんにちは！こちらをご覧ください {url}"],
        },
    ),
]
UNKNOWN += [
    Family(
        name="unknown.auto_ack", type="unknown", sender="business", role="none", channels={"email": 1.0},
        urgency={"low": 1.0}, topic="Other", reply=0.2,
        subjects={"en": ["We received your request", "Ticket received: {subj}", "Thank you for contacting us",
                         "[Auto] {subj}"], "de": ["Eingangsbestätigung"], "fr": ["Accusé de réception"],
                  "es": ["Hemos recibido su mensaje"]},
        bodies={
            "en": ["Thank you for contacting {company}. || [This is an automated message.|Please do not reply to "
                   "this email.] || [We have received your request|Your request #{ticket} has been logged] and "
                   "will respond [shortly|within {n} business days].",
                   "[I'm away|I am currently away] [at a conference|on leave] [until {weekday}|this week] and "
                   "have [no|limited] access to email. || [Your message will not be forwarded.|I'll reply on my "
                   "return.]"],
            "de": ["Vielen Dank für Ihre Nachricht. || Dies ist eine automatische Eingangsbestätigung."],
            "fr": ["Merci pour votre message. || Ceci est un accusé de réception automatique."],
            "es": ["Gracias por su mensaje. || Esta es una respuesta automática."],
            "it": ["Grazie per il messaggio. || Questa è una risposta automatica."],
            "pt": ["Obrigado pela mensagem. || Esta é uma resposta automática."],
            "nl": ["Bedankt voor uw bericht. || Dit is een automatische ontvangstbevestiging."],
            "ja": ["お問い合わせありがとうございます。|| 本メールは自動送信です。"],
        },
    ),
]

INVESTOR += [
    Family(
        name="investor.strategic_and_debt", type="investor", role="investor", channels={"email": 0.7, "linkedin": 0.3},
        urgency={"normal": 0.85, "low": 0.15}, topic="Other",
        subjects={"en": ["Strategic investment", "Venture debt for Cobalt", "Corporate venture interest",
                         "Financing options"], "de": ["Beteiligung"], "fr": ["Prise de participation"],
                  "ja": ["戦略的出資のご相談"]},
        bodies={
            "en": ["I lead [corporate development|our corporate venture arm] at {vendorco}. || We make [strategic "
                   "investments|minority investments] in [data infrastructure|cloud software] companies and Cobalt "
                   "is on our list. || Would your [CEO|founders|board] be open to [a conversation|an intro]?",
                   "We provide [venture debt|growth financing|non-dilutive capital] to [VC-backed|high-growth] SaaS "
                   "companies, [typically {amount} to $10M|alongside equity rounds]. || Happy to share terms with "
                   "your [CFO|founders].",
                   "[Our fund|We] [recently closed|just raised] [a new fund|Fund III] for [B2B software|data "
                   "tooling] and I'd like to [get to know|meet] the [team|founders] behind Cobalt."],
            "de": ["Ich verantworte Corporate Venture Capital bei {vendorco}. || Wir beteiligen uns an Software-"
                   "Unternehmen und würden gerne Ihre Gründer kennenlernen."],
            "fr": ["Je dirige le fonds d'investissement de {vendorco}. || Nous souhaiterions rencontrer vos "
                   "fondateurs au sujet d'une prise de participation."],
            "ja": ["{vendorco}のCVCを担当しております。|| 御社への出資についてお話しさせていただけないでしょうか。"],
            "es": ["Dirijo el fondo corporativo de {vendorco}. || Nos interesa invertir en Cobalt."],
            "pt": ["Lidero o fundo corporativo da {vendorco}. || Temos interesse em investir na Cobalt."],
        },
    ),
]
VENDOR += [
    Family(
        name="vendor.business_services_sequence", type="vendor", role="vendor",
        channels={"email": 0.8, "linkedin": 0.2},
        urgency={"low": 1.0}, injection=0.06, topic="Other", reply=0.35,
        subjects={"en": ["Payroll for your growing team", "Following up", "Last try", "Benefits for Cobalt employees",
                         "Re: {subj}"], "de": ["Nachfrage"], "es": ["Seguimiento"], "nl": ["Opvolging"],
                  "fr": ["Relance"]},
        bodies={
            "en": ["[We offer|{vendorco} provides] [payroll and HR|bookkeeping|employee benefits|office cleaning|"
                   "IT support] [for startups|to companies] like Cobalt. || [Can I send a quote?|Would you like "
                   "a free consultation?]",
                   "[Bumping this up|Circling back|Following up on my note from {weekday}]. || [Still interested "
                   "in|Did you get a chance to look at] [our offer|the proposal] for [your team|Cobalt]?",
                   "[This is my last email|I'll stop reaching out after this]. || If [{vendorco}|we] can help "
                   "with [lead generation|recruiting software|cloud costs], just reply 'yes'."],
            "de": ["Ich wollte mich noch einmal zu meinem Angebot melden. || Hätten Sie Interesse an einer "
                   "Lohnbuchhaltung für Ihr Team?"],
            "es": ["Le escribo de nuevo sobre mi propuesta. || ¿Le interesa nuestro servicio de nóminas?"],
            "nl": ["Ik kom nog even terug op mijn voorstel. || Interesse in onze salarisadministratie?"],
            "fr": ["Je me permets de vous relancer au sujet de notre offre de services RH."],
            "it": ["Le riscrivo riguardo alla nostra proposta di servizi di contabilità."],
            "pt": ["Volto a escrever sobre a nossa proposta de folha de pagamento."],
        },
    ),
]
UNKNOWN += [
    Family(
        name="unknown.unclear_request", type="unknown", sender="mixed", role="none",
        channels={"web_form": 0.4, "email": 0.3, "chat": 0.3}, urgency={"normal": 0.7, "low": 0.3},
        topic="Other", fields=False, reply=0.1,
        subjects={"en": ["Question", "Request", "Help"], "fr": ["Demande"], "it": ["Richiesta"],
                  "es": ["Solicitud"]},
        bodies={
            "en": ["I need help[ with something|].", "Is this the right place to ask?", "Can you send me the "
                   "[document|file|info] we talked about?", "Question about my order.", "[Hello|Hi], I have a "
                   "request, please [contact|email] me.", "What is this email about?", "[Regarding|Re] your "
                   "message — please advise.", "Hi, {first} here. Please get back to me."],
            "fr": ["J'ai besoin d'aide.", "Pouvez-vous me renvoyer le document ?"],
            "it": ["Ho bisogno di aiuto.", "Potete mandarmi il documento?"],
            "es": ["Necesito ayuda.", "¿Me pueden enviar el documento?"],
            "de": ["Ich brauche Hilfe.", "Können Sie mir das Dokument schicken?"],
            "pt": ["Preciso de ajuda.", "Podem me enviar o documento?"],
            "nl": ["Ik heb hulp nodig.", "Kunnen jullie het document sturen?"],
            "ja": ["確認したいことがあります。", "資料を送っていただけますか。"],
        },
    ),
]
PRESS += [
    Family(
        name="press.lists_and_awards", type="press", role="press", channels={"email": 0.7, "web_form": 0.3},
        urgency={"high": 0.3, "normal": 0.65, "low": 0.05}, urgency_pool="press", topic="Press",
        subjects={"en": ["Cobalt shortlisted", "Fact check for our list", "Top data startups {year}"],
                  "de": ["Ranking {year}"], "es": ["Ranking {year}"]},
        bodies={
            "en": ["Cobalt [has been selected|is shortlisted] for {outlet}'s [list of top data startups|annual "
                   "ranking] {year}. || Could you [confirm a few facts|send headcount and funding figures] and "
                   "[a logo|a short quote]?", "I'm [fact-checking|editing] [an article|a market map] that "
                   "mentions Cobalt. || [Can you confirm|Is it correct] that you [support CDC|were founded in "
                   "{year}]?"],
            "de": ["Cobalt ist für das Ranking von {outlet} ausgewählt. || Können Sie einige Fakten bestätigen?"],
            "es": ["Cobalt ha sido seleccionada para el ranking de {outlet}. || ¿Pueden confirmar algunos datos?"],
            "fr": ["Cobalt figure dans le classement de {outlet}. || Pouvez-vous confirmer quelques chiffres ?"],
        },
    ),
]
STUDENT += [
    Family(
        name="student.clubs_and_credits", type="student", role="student", sender="free",
        channels={"email": 0.6, "web_form": 0.4}, urgency={"low": 1.0}, topic="Other",
        subjects={"en": ["Student hackathon", "Credits for our student club", "University data club"],
                  "fr": ["Association étudiante"], "it": ["Associazione studentesca"]},
        bodies={
            "en": ["I'm [president|treasurer] of the [data science|computing] club at {university}. || Could Cobalt "
                   "[give us free credits|sponsor our student hackathon|run a workshop] for [our members|students]?",
                   "[We're|Our team is] [students|undergrads] entering a [university hackathon|student "
                   "competition] and want to use Cobalt. || Is there [a free student tier|an education plan]?"],
            "fr": ["Je suis président de l'association data de {university}. || Pourriez-vous nous offrir des "
                   "crédits gratuits pour nos étudiants ?"],
            "it": ["Sono il presidente dell'associazione studentesca di {university}. || Potreste offrire "
                   "crediti gratuiti agli studenti?"],
            "es": ["Somos un club de estudiantes de la {university}. || ¿Nos darían créditos gratuitos?"],
            "de": ["Wir sind eine studentische Initiative an der {university}. || Gibt es kostenlose "
                   "Studentenlizenzen?"],
        },
    ),
]
SPAM += [
    Family(
        name="spam.domain_and_listing_scams", type="spam", sender="spam", role="spam",
        channels={"email": 0.8, "web_form": 0.2}, urgency={"low": 1.0}, injection=0.05, topic="Other", reply=0.0,
        subjects={"en": ["Domain cobaltdata.com expiration notice", "Business directory listing",
                         "Trademark registration alert", "Final notice: listing renewal"],
                  "de": ["Markenanmeldung"], "nl": ["Registratie"]},
        bodies={
            "en": ["[DOMAIN|SEO] SERVICE NOTICE for cobaltdata.com. || [Your listing expires|Payment required] "
                   "[today|in 3 days]. || [Pay {amount} now|Renew here]: {url}",
                   "We received an application to register [\"cobaltdata\"|your brand] in Asia. || [Please "
                   "confirm|Reply within 7 days] if you are the owner, or the registration [will proceed|goes "
                   "ahead]."],
            "de": ["Ihr Firmeneintrag läuft ab. || Jetzt verlängern: {url}"],
            "nl": ["Uw bedrijfsvermelding verloopt vandaag. || Verleng hier: {url}"],
            "fr": ["Votre inscription à l'annuaire expire. || Renouvelez ici : {url}"],
        },
    ),
]
