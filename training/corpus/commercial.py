"""Sales and support families: people who may buy, customers who want more, and customers who need help."""

from __future__ import annotations

from training.corpus.engine import Family

SALES_URG = {"high": 0.3, "normal": 0.5, "low": 0.2}
FORMS = {"web_form": 0.3, "demo_request": 0.3, "email": 0.3, "chat": 0.05, "linkedin": 0.05}

SALES = [
    Family(
        name="sales.evaluation", type="sales", channels=FORMS, urgency=SALES_URG, urgency_pool="sales",
        crm={"prospect": 0.2, "churned": 0.05}, topic="Sales", injection=0.06, forward=0.06,
        subjects={
            "en": ["Evaluating ELT tools", "Demo request", "Question about Cobalt", "Data pipeline for {company}",
                   "Looking for a [managed|] pipeline solution", "{source} to {warehouse}", "Intro call?"],
            "de": ["Anfrage Datenintegration", "Demo-Anfrage", "{source} nach {warehouse}"],
            "fr": ["Demande de démo", "Intégration de données", "Projet {warehouse}"],
            "es": ["Solicitud de demo", "Integración de datos", "Consulta sobre Cobalt"],
            "pt": ["Pedido de demonstração", "Integração de dados", "Dúvida sobre a plataforma"],
            "nl": ["Demo aanvraag", "Data-integratie", "Vraag over Cobalt"],
            "it": ["Richiesta demo", "Integrazione dati", "Informazioni su Cobalt"],
            "ja": ["デモのご依頼", "データ連携について", "お問い合わせ"],
        },
        bodies={
            "en": [
                "I [lead|run|manage] the data team at {company}[, a {industry} company with about {size} people|]."
                "|| We're [evaluating|looking at|comparing] [managed ELT tools|options|vendors] to [move|sync|load] "
                "data from {source} and {source2} into {warehouse}. ||?Right now it's [a pile of cron jobs|"
                "hand-written Python scripts|{competitor}] and it [breaks every week|doesn't scale|costs too much]."
                " || Could we [set up|schedule|book] a [demo|call|30-minute walkthrough]?",
                "[We're|We are] a {size}-person {industry} [company|business|team] [in {country}|]. || "
                "We want to [centralise|consolidate] our {source}, {source2} and product data in {warehouse}. || "
                "Is Cobalt a fit? ||?What does pricing look like for roughly {rows} rows a month?",
                "[Hi|Hello] — [saw|came across] Cobalt [on G2|in a blog post|through a friend|at a meetup]. || "
                "We need [reliable|managed] pipelines from {source} into {warehouse} with [CDC|change data capture] "
                "for our Postgres databases. || Who can I talk to about [a trial|a proof of concept|a POC]?",
                "Our analytics team [keeps|spends half their time] fixing broken [connectors|syncs|pipelines]. || "
                "I'd like to see how Cobalt handles {source} [schema changes|API limits] and loading into "
                "{warehouse}. || [Can you send some times for a demo?|Demo please.|Please get in touch.]",
                "interested in cobalt for [our|the] {warehouse} [migration|project]. ||?we have ~{n} sources. || "
                "can someone [reach out|contact me|give me a call]?",
                "We're [building|rebuilding|modernising] our data [platform|stack] on {warehouse} and need "
                "[ingestion|ELT|replication] from {source}, {source2} and about {n} other [sources|SaaS tools]. || "
                "?Security matters to us (SOC 2, SSO). || I'd [love|like] to [understand|see] how you compare to "
                "{competitor}.",
            ],
            "de": [
                "Ich leite das Datenteam bei {company} ({size} Mitarbeitende). || Wir suchen eine Lösung, um Daten "
                "aus {source} und {source2} nach {warehouse} zu laden. || Können wir einen Demo-Termin vereinbaren?",
                "Wir evaluieren gerade Tools für unsere Datenpipeline nach {warehouse}. ||?Aktuell nutzen wir "
                "{competitor}. || Wäre ein kurzes Gespräch möglich?",
                "Wir sind ein {industry}-Unternehmen mit ca. {size} Mitarbeitern und möchten unsere Daten aus {source} "
                "in {warehouse} zusammenführen. || Passt Cobalt dafür? || Was kostet das ungefähr?",
            ],
            "fr": [
                "Je dirige l'équipe data chez {company}, environ {size} personnes. || Nous cherchons une solution "
                "pour synchroniser {source} et {source2} vers {warehouse}. || Pourrions-nous organiser une démo ?",
                "Nous évaluons plusieurs outils d'intégration de données pour notre entrepôt de données {warehouse}. "
                "||?Aujourd'hui nous utilisons {competitor}. || Pouvez-vous me recontacter ?",
                "Nous sommes une entreprise de {industry} basée en {country}. || Nos flux de données depuis {source} "
                "cassent régulièrement. || Votre plateforme pourrait-elle nous aider ? Merci de me rappeler.",
            ],
            "es": [
                "Dirijo el equipo de datos en {company} (unas {size} personas). || Buscamos una herramienta para "
                "llevar datos de {source} y {source2} a {warehouse}. || ¿Podemos agendar una demo?",
                "Estamos evaluando soluciones de integración de datos para nuestro almacén de datos en {warehouse}. "
                "||?Hoy usamos {competitor}. || ¿Me pueden contactar?",
                "Somos una empresa de {industry} en {country} con unos {size} empleados. || Queremos centralizar "
                "los datos de {source} en {warehouse}. || ¿Cuánto cuesta y cómo empezamos?",
            ],
            "pt": [
                "Sou responsável pela área de dados na {company}, com cerca de {size} funcionários. || Procuramos "
                "uma plataforma para levar dados do {source} e do {source2} para o {warehouse}. || "
                "Podemos agendar uma demonstração?",
                "Estamos avaliando ferramentas de integração de dados para o nosso {warehouse}. ||?Hoje usamos "
                "{competitor}. || Gostaria de conversar com um consultor.",
            ],
            "nl": [
                "Ik ben verantwoordelijk voor data bij {company} (ongeveer {size} medewerkers). || We zoeken een "
                "oplossing om data uit {source} en {source2} naar {warehouse} te laden. || Kunnen we een demo plannen?",
                "We evalueren tools voor data-integratie naar {warehouse}. ||?Nu gebruiken we {competitor}. || "
                "Graag een gesprek.",
            ],
            "it": [
                "Gestisco il team dati di {company}, circa {size} dipendenti. || Cerchiamo una piattaforma per "
                "portare i dati da {source} e {source2} su {warehouse}. || Possiamo organizzare una demo?",
                "Stiamo valutando strumenti di integrazione dati per il nostro {warehouse}. ||?Oggi usiamo "
                "{competitor}. || Potete ricontattarmi?",
            ],
            "ja": [
                "{company}でデータ基盤を担当しております{janame}です。"
                "|| {source}と{source2}のデータを{warehouse}に連携する"
                "ツールを検討しています。|| デモをお願いできますでしょうか。",
                "現在、データパイプラインの導入を検討しております。||?従業員は約{size}名です。|| "
                "{warehouse}へのデータ連携について詳しく伺いたいです。",
            ],
        },
    ),
    Family(
        name="sales.pricing", type="sales", channels={"web_form": 0.4, "email": 0.3, "chat": 0.25, "linkedin": 0.05},
        urgency=SALES_URG, urgency_pool="sales", crm={"prospect": 0.2}, topic="Pricing", injection=0.04,
        subjects={"en": ["Pricing", "Quote request", "How much?", "Pricing for Growth plan", "Cost estimate"],
                  "de": ["Preise", "Angebot"], "fr": ["Tarifs", "Demande de devis"], "es": ["Precios", "Cotización"],
                  "pt": ["Preços", "Orçamento"], "nl": ["Prijzen", "Offerte"], "it": ["Prezzi", "Preventivo"],
                  "ja": ["料金について", "見積もり依頼"]},
        bodies={
            "en": [
                "What does [the {plan} plan|Cobalt] cost for [about|roughly|around] {n} connectors and {rows} rows a "
                "month? ||?We'd load into {warehouse}.",
                "Can you send a quote for {company}? || We'd need {source}, {source2} and {n} databases replicated to "
                "{warehouse}. ||?Annual billing is fine.",
                "how is pricing calculated? rows, connectors, seats? || we're [about|around] {size} people",
                "Is there volume pricing above {rows} rows? || Comparing [you|Cobalt] with {competitor} on cost.",
                "Do you have a [non-profit|startup|education] discount? || We'd use it to sync {source} to "
                "{warehouse}.",
                "pricing for enterprise plan w/ SSO + {n} sources?",
                "[how much is it|what does it cost] for [a small team|{n} sources]?", "price per [month|year]?",
            ],
            "de": ["Was kostet der {plan}-Plan bei etwa {n} Konnektoren? || Ziel ist {warehouse}.",
                   "Können Sie uns ein Angebot für {company} schicken? || Wir bräuchten {source} und {source2}."],
            "fr": ["Quel est le tarif pour environ {n} connecteurs vers {warehouse} ?",
                   "Pouvez-vous m'envoyer un devis pour {company} ? || Nous avons besoin de {source} et {source2}."],
            "es": ["¿Cuánto cuesta el plan {plan} para unos {n} conectores? || Destino: {warehouse}.",
                   "¿Me pueden enviar una cotización para {company}? || Necesitamos {source} y {source2}."],
            "pt": ["Quanto custa o plano {plan} para uns {n} conectores? || Destino: {warehouse}.",
                   "Podem enviar um orçamento para a {company}? || Precisamos de {source} e {source2}."],
            "nl": ["Wat kost het {plan} abonnement voor ongeveer {n} connectoren naar {warehouse}?",
                   "Kunnen jullie een offerte sturen voor {company}?"],
            "it": ["Quanto costa il piano {plan} per circa {n} connettori verso {warehouse}?",
                   "Potete inviarci un preventivo per {company}? || Ci servono {source} e {source2}."],
            "ja": ["{plan}プランの料金を教えてください。|| コネクタは{n}個程度を想定しています。",
                   "{company}向けのお見積もりをお願いできますか。|| {source}から{warehouse}への連携を予定しています。"],
        },
    ),
    Family(
        name="sales.expansion", type="sales", channels={"email": 0.55, "support_ticket": 0.15, "web_form": 0.15,
                                                         "chat": 0.15},
        urgency=SALES_URG, urgency_pool="sales", crm={"customer": 0.85}, topic="Sales", reply=0.3,
        subjects={"en": ["Adding more connectors", "Upgrade to {plan}", "More seats",
                          "Expanding Cobalt to another team",
                         "Contract expansion", "Second workspace"],
                  "de": ["Erweiterung unseres Vertrags", "Upgrade auf {plan}"], "fr": ["Extension de notre contrat"],
                  "es": ["Ampliación del contrato"], "ja": ["プランのアップグレードについて"], "nl": ["Uitbreiding"],
                  "pt": ["Ampliação do contrato"], "it": ["Estensione del contratto"]},
        bodies={
            "en": [
                "We've been [using Cobalt|on Cobalt|a customer] for [a year|two years|a while] and [love it|it's been "
                "great]. || Our [marketing|finance|product|ops] team now wants their own [pipelines|workspace]. || "
                "Can we add [{n} more connectors|another team|{n} seats] to our contract?",
                "We're [hitting|close to] the row limit on the {plan} plan. || What would it take to [upgrade|move] "
                "to Enterprise? ||?We also need SSO and a second region.",
                "Our [EU|US|APAC] subsidiary wants to roll out Cobalt too[ — around {size} people|]. || "
                "Who can [quote|price] an expansion?",
                "We'd like to add {source} and {source2} connectors to our existing account. || Is that a plan change "
                "or an add-on? || Please send [pricing|a quote].",
                "[Quick one|Hi] — we're [an existing customer|already customers]. || [Looking to|Want to] "
                "[add reverse ETL|turn on CDC|add {n} more users] for the [sales ops|data] team. || "
                "Who's our account manager now?",
            ],
            "de": ["Wir sind bereits Kunde. || Unser [Controlling|Marketing] möchte Cobalt auch nutzen — können wir "
                   "{n} weitere Konnektoren hinzufügen?", "Wir möchten vom {plan}-Plan auf Enterprise wechseln. || "
                   "Bitte schicken Sie uns ein Angebot."],
            "fr": ["Nous sommes déjà clients. || Notre équipe finance souhaite aussi utiliser Cobalt : pouvons-nous "
                   "ajouter {n} connecteurs ?", "Nous aimerions passer du plan {plan} au plan Enterprise. || Merci "
                   "de nous envoyer une proposition."],
            "es": ["Ya somos clientes. || Otro equipo quiere usar Cobalt: ¿podemos añadir {n} conectores más?",
                   "Queremos pasar del plan {plan} a Enterprise. || ¿Nos envían una propuesta?"],
            "pt": ["Já somos clientes. || Outra equipe quer usar a Cobalt: podemos adicionar {n} conectores?"],
            "nl": ["We zijn al klant. || Een ander team wil Cobalt ook gebruiken: kunnen we {n} connectoren "
                   "toevoegen?"],
            "it": ["Siamo già clienti. || Un altro team vuole usare Cobalt: possiamo aggiungere {n} connettori?"],
            "ja": ["現在{plan}プランを利用しております。|| 別部署でも利用したいため、コネクタを{n}個追加したいです。|| "
                   "お見積もりをお願いします。"],
        },
    ),
    Family(
        name="sales.migration", type="sales", channels={"email": 0.5, "web_form": 0.25, "demo_request": 0.25},
        urgency={"high": 0.45, "normal": 0.4, "low": 0.15}, urgency_pool="sales", crm={"prospect": 0.25},
        topic="Sales", forward=0.08,
        subjects={"en": ["Moving off {competitor}", "Alternative to {competitor}", "Replacing {competitor}",
                         "Migration question"], "de": ["Wechsel von {competitor}"], "nl": ["Overstap van {competitor}"],
                  "it": ["Migrazione da {competitor}"], "pt": ["Migração do {competitor}"]},
        bodies={
            "en": [
                "We're [unhappy with|moving off|replacing] {competitor} — [pricing went up|too many failed syncs|"
                "support is slow]. || We load {source} and {source2} into {warehouse}. || How hard is a migration?",
                "Looking for an alternative to {competitor}. ||?{rows} rows/month, {n} connectors. || "
                "Do you offer migration help or overlapping contract credits?",
                "Our in-house pipelines [are a mess|need a rewrite|were built by someone who left]. || "
                "[We|I] want to move to a managed tool before [the next audit|we scale]. || Can we talk?",
            ],
            "de": ["Wir möchten von {competitor} wechseln, die Kosten sind zu hoch. || Wie aufwendig ist eine "
                   "Migration nach Cobalt?"],
            "nl": ["We willen overstappen van {competitor}. || Hoe werkt een migratie naar Cobalt?"],
            "it": ["Vogliamo lasciare {competitor}. || Quanto è complessa la migrazione a Cobalt?"],
            "pt": ["Queremos sair do {competitor}. || Como funciona a migração para a Cobalt?"],
            "fr": ["Nous voulons quitter {competitor}. || Comment se passe une migration vers Cobalt ?"],
        },
    ),
    Family(
        name="sales.demo_form", type="sales", channels={"demo_request": 0.7, "web_form": 0.3},
        urgency=SALES_URG, urgency_pool="sales", crm={"prospect": 0.2}, topic="Demo", injection=0.04, weight=1.2,
        bodies={
            "en": ["[Interested in|Want to see] [a demo|Cobalt|reverse ETL|CDC replication].",
                   "Demo for our data team please. ||?{source} -> {warehouse}",
                   "We'd like to see the product. || ~{n} data sources.", "Please contact me about {warehouse} ELT.",
                   "need [ELT|pipelines|a connector] for {source}", "demo",
                   "[free trial?|is there a trial?]", "Looking for a pipeline tool for "
                   "{warehouse}.", "Want a trial for [our|the] analytics team."],
            "de": ["Bitte um eine Demo.", "Interesse an Datenintegration nach {warehouse}."],
            "fr": ["Je souhaite une démo.", "Intéressé par la synchronisation {source} vers {warehouse}."],
            "es": ["Quisiera una demo.", "Interesados en ELT hacia {warehouse}."],
            "pt": ["Gostaria de uma demonstração.", "Interesse em integração de dados para {warehouse}."],
            "nl": ["Graag een demo.", "Interesse in data-integratie naar {warehouse}."],
            "it": ["Vorrei una demo.", "Interessati all'integrazione dati verso {warehouse}."],
            "ja": ["デモを希望します。", "{warehouse}へのデータ連携に興味があります。"],
        },
    ),
    Family(
        name="sales.capability", type="sales", channels={"chat": 0.35, "email": 0.35, "web_form": 0.3},
        urgency={"high": 0.15, "normal": 0.6, "low": 0.25}, urgency_pool="sales", crm={"prospect": 0.2},
        topic="Sales",
        subjects={"en": ["Do you support {source}?", "Connector question", "CDC from Oracle?", "Pre-sales question"]},
        bodies={
            "en": [
                "Do you [support|have a connector for] {source}? || We're [considering|thinking about] Cobalt for "
                "[our|a new] {warehouse} [project|setup].",
                "Before we [sign up|buy|start a trial]: can you do [log-based CDC|near real-time replication] from "
                "[Oracle|SQL Server|Postgres] into {warehouse}?",
                "Can Cobalt [push|sync] data back into {source} (reverse ETL)? || [If so we'd like a demo.|We'd be "
                "interested.]",
                "is there an on-prem or [VPC|private cloud] deployment option? || [bank|insurer|hospital], "
                "{size} employees, {country}",
                "does your platform handle [GDPR|HIPAA|data residency in the EU]? || evaluating vendors for {company}",
            ],
            "fr": ["Proposez-vous un connecteur {source} ? || Nous envisageons Cobalt pour notre projet {warehouse}."],
            "es": ["¿Tienen conector para {source}? || Estamos considerando Cobalt para {warehouse}."],
            "de": ["Unterstützen Sie CDC aus Oracle nach {warehouse}? || Wir prüfen gerade Anbieter."],
            "it": ["Avete un connettore per {source}? || Stiamo valutando Cobalt."],
        },
    ),
    Family(
        name="sales.procurement", type="sales", channels={"email": 0.8, "web_form": 0.2},
        urgency={"high": 0.5, "normal": 0.45, "low": 0.05}, urgency_pool="sales", crm={"prospect": 0.5},
        topic="Sales", reply=0.35,
        subjects={"en": ["Security questionnaire", "RFP: data integration platform", "DPA and SOC 2 report",
                         "Vendor onboarding", "Order form"], "de": ["Ausschreibung Datenintegration"],
                  "fr": ["Appel d'offres intégration de données"]},
        bodies={
            "en": [
                "We're [finalising|in the last stage of] our [vendor selection|evaluation]. || Could you "
                "[send|share] your SOC 2 report and DPA? || Legal wants to review before we sign.",
                "{company} is running an RFP for a data integration platform. || [Attached|Please find] the "
                "questionnaire. ||?Responses are due on the {day}th.",
                "[Procurement|Our buyer] asked me to collect an order form for the {plan} plan, {n} connectors, "
                "annual. || Can you send one over?",
            ],
            "de": ["Wir führen eine Ausschreibung für eine Datenintegrationsplattform durch. || Bitte senden Sie "
                   "uns Ihr Angebot und den SOC-2-Bericht."],
            "fr": ["Nous lançons un appel d'offres pour une plateforme d'intégration de données. || Merci de nous "
                   "transmettre votre offre."],
        },
    ),
    Family(
        name="sales.small_or_other_product", type="sales", channels={"web_form": 0.4, "chat": 0.3, "email": 0.3},
        urgency={"normal": 0.55, "low": 0.45}, urgency_pool="sales", sender="mixed", topic="Sales",
        bodies={
            "en": [
                "I'm a [freelancer|solo consultant|one-person shop] and need to [sync|pull] {source} into a "
                "[spreadsheet|small database]. || Is there a free plan?",
                "We're [a small team|2 people|a tiny startup] looking for [a CRM for|a new CRM for] our sales "
                "[team|reps]. || Does Cobalt do that?",
                "Can you [redesign our website|build us a mobile app]? || [budget is small|We're a small shop].",
                "[personal project|for my hobby]: want to load my [fitness|home automation] data into {warehouse}. || "
                "[how much|is it free]?",
                "need a [bookkeeping|payroll|email marketing tool] for our [shop|agency] — is this it?",
            ],
            "es": ["Soy autónomo y necesito pasar datos de {source} a una hoja de cálculo. || ¿Hay plan gratuito?"],
            "fr": ["Nous sommes une petite équipe de 3 personnes et cherchons un nouveau CRM. || Est-ce que vous "
                   "faites ça ?"],
            "de": ["Ich bin Freiberufler und suche ein kostenloses Tool für mein privates Projekt."],
            "pt": ["Sou freelancer e preciso de uma ferramenta gratuita para um projeto pessoal."],
        },
    ),
    Family(
        name="sales.linkedin_dm", type="sales", channels={"linkedin": 1.0}, urgency=SALES_URG, urgency_pool="sales",
        crm={"prospect": 0.2}, sender="none",
        bodies={
            "en": [
                "Hi {colleague}, saw your post about [CDC|reverse ETL|schema drift]. || We're [struggling with|"
                "rebuilding] our {source} -> {warehouse} pipelines at {company}. || Who should I talk to about "
                "[Cobalt|a demo]?",
                "Hey — we're [shopping for|looking at] ELT tools [this quarter|right now]. || Is Cobalt a fit for "
                "~{n} sources into {warehouse}? || Happy to hop on a call.",
                "Thanks for connecting! || [Curious|Wondering] how Cobalt compares to {competitor} for a "
                "{industry} [company|team] our size ({size}).",
            ],
            "de": ["Hallo {colleague}, danke fürs Vernetzen. || Wir suchen ein ETL-Tool für {warehouse}. || "
                   "Mit wem kann ich sprechen?"],
            "es": ["Hola {colleague}, gracias por conectar. || Estamos buscando una herramienta ELT para "
                   "{warehouse}. || ¿Con quién puedo hablar?"],
        },
    ),
    Family(
        name="sales.referral_intro", type="sales", channels={"email": 1.0}, urgency=SALES_URG, urgency_pool="sales",
        forward=0.9, topic="Sales",
        subjects={"en": ["Intro: {company} <> Cobalt", "Introduction", "Connecting you two"]},
        bodies={
            "en": [
                "[Great chatting earlier.|As promised,] I'm introducing {colleague}, who runs data at {company}. || "
                "They're [looking at|evaluating] ELT [options|tools] for {warehouse}. || I'll let you two take it "
                "from here.",
                "Hi both — {colleague} at {company} is [rebuilding their data stack|moving off {competitor}] and "
                "asked me for recommendations. || Thought you should meet.",
                "Looping in {colleague}. || {company} needs [replication from {source}|pipelines into {warehouse}] "
                "and I said Cobalt would be a good fit.",
            ],
        },
    ),
]

SUPPORT = [
    Family(
        name="support.sync_failure", type="support",
        channels={"support_ticket": 0.45, "email": 0.35, "chat": 0.2},
        urgency={"high": 0.35, "normal": 0.55, "low": 0.1}, urgency_pool="support",
        crm={"customer": 0.65, "prospect": 0.05}, topic="Support", reply=0.25, injection=0.01,
        subjects={"en": ["{source} sync failing", "Connector error", "Pipeline broken", "Sync stuck since {weekday}",
                         "Error: {error}", "Ticket #{ticket}: sync issue"],
                  "de": ["Sync-Fehler {source}", "Konnektor funktioniert nicht"], "fr": ["Erreur de synchronisation"],
                  "es": ["Error de sincronización"], "pt": ["Erro na sincronização"], "nl": ["Sync-fout"],
                  "it": ["Errore di sincronizzazione"], "ja": ["同期エラーについて"]},
        bodies={
            "en": [
                "Our {source} connector [has been failing|keeps failing|stopped working] since [{weekday}|yesterday|"
                "the last update] with '{error}'. || [Can you take a look?|Please help.|Any idea what's wrong?]",
                "The {source} -> {warehouse} sync is stuck at [0%|'running'|the same table] for {hours} hours. || "
                "[We've tried|I tried] [re-authenticating|restarting it|a full resync] — no luck.",
                "[Since|After] [your|the] [release|maintenance] on {weekday}, [half our tables|the orders table] "
                "[aren't updating|are empty] in {warehouse}. ||?Workspace: {company}.",
                "getting '{error}' on every run. || what do i do?",
                "Hi support, || the pipeline for {source} fails with {error}. ||?Logs attached. || Account: "
                "{company}.",
            ],
            "de": ["Unser {source}-Konnektor schlägt seit {weekday} fehl: '{error}'. || Können Sie sich das "
                   "ansehen?", "Die Synchronisation nach {warehouse} hängt seit {hours} Stunden."],
            "fr": ["Notre connecteur {source} échoue depuis {weekday} avec l'erreur '{error}'. || Pouvez-vous "
                   "regarder ?", "La synchronisation vers {warehouse} est bloquée depuis {hours} heures."],
            "es": ["Nuestro conector de {source} falla desde el {weekday} con '{error}'. || ¿Pueden revisarlo?",
                   "La sincronización con {warehouse} está atascada desde hace {hours} horas."],
            "pt": ["O conector do {source} está falhando desde {weekday} com '{error}'. || Podem verificar?",
                   "A sincronização com o {warehouse} está travada há {hours} horas."],
            "nl": ["Onze {source}-connector faalt sinds {weekday} met '{error}'. || Kunnen jullie kijken?"],
            "it": ["Il connettore {source} non funziona da {weekday}: '{error}'. || Potete verificare?"],
            "ja": ["{source}コネクタが{weekday}からエラーになっています：{error}。|| ご確認いただけますでしょうか。",
                   "{warehouse}への同期が{hours}時間止まっています。"],
        },
    ),
    Family(
        name="support.outage", type="support", channels={"support_ticket": 0.5, "email": 0.3, "chat": 0.2},
        urgency={"high": 1.0}, crm={"customer": 0.7}, topic="Support",
        subjects={"en": ["URGENT: all pipelines down", "Production outage", "P1 - nothing syncing", "Is Cobalt down?",
                         "Critical: data missing"], "de": ["DRINGEND: Ausfall"], "fr": ["URGENT : panne"],
                  "es": ["URGENTE: caída"], "nl": ["Storing"], "ja": ["【至急】障害発生"]},
        bodies={
            "en": [
                "All our pipelines [are down|failed overnight|stopped at 3am]. || [Production dashboards are empty|"
                "Our customers see stale data]. || Please [call me|escalate] [asap|now].",
                "Is [Cobalt|the platform] down? || [Nothing|No connector] has synced for {hours} hours and our "
                "[month-end close|board meeting] is [today|tomorrow].",
                "We're seeing data loss in {warehouse} — [rows deleted|tables truncated] after the last sync. || "
                "This is critical, [please stop the pipeline|we need someone on this right now].",
                "the UI won't load and the api returns 503. || we're [blocked|dead in the water]",
            ],
            "de": ["Alle Pipelines sind ausgefallen, unsere Produktion steht. || Bitte melden Sie sich sofort."],
            "fr": ["Toutes nos synchronisations sont en panne depuis cette nuit. || Merci d'intervenir en urgence."],
            "es": ["Todas nuestras sincronizaciones están caídas. || Por favor, llámenme cuanto antes."],
            "nl": ["Alle pipelines liggen plat sinds vannacht. || Graag direct contact."],
            "ja": ["全てのパイプラインが停止しています。|| 至急ご対応をお願いいたします。"],
            "pt": ["Todas as sincronizações estão fora do ar. || Por favor, urgente."],
            "it": ["Tutte le pipeline sono ferme da stanotte. || Intervenite con urgenza per favore."],
        },
    ),
    Family(
        name="support.howto", type="support", channels={"support_ticket": 0.4, "email": 0.3, "chat": 0.3},
        urgency={"normal": 0.8, "low": 0.2}, urgency_pool="support", crm={"customer": 0.6}, topic="Support",
        subjects={"en": ["How do I ...?", "Question about incremental syncs", "Docs question", "Help with setup"],
                  "de": ["Frage zur Einrichtung"], "fr": ["Question sur la configuration"], "it": ["Domanda"],
                  "pt": ["Dúvida de configuração"]},
        bodies={
            "en": [
                "How do I [exclude a column|add a custom field|change the sync frequency] for the {source} "
                "connector? || [Couldn't find it in the docs.|The docs page seems outdated.]",
                "[Quick question|Question]: can I [rename the destination schema|backfill only the last 30 days|"
                "pause a single table] without a full resync?",
                "We [set up|configured] {source} last week. || Where do I [see row counts|set up alerts|add a "
                "teammate to our workspace]?",
                "is there a way to [run dbt after each sync|trigger a sync from the API|use a service account "
                "for {warehouse}]?",
            ],
            "de": ["Wie kann ich beim {source}-Konnektor eine Spalte ausschließen? || In der Doku finde ich das "
                   "nicht."],
            "fr": ["Comment modifier la fréquence de synchronisation du connecteur {source} ?"],
            "it": ["Come posso escludere una colonna nel connettore {source}?"],
            "pt": ["Como faço para mudar a frequência de sincronização do {source}?"],
            "es": ["¿Cómo cambio la frecuencia de sincronización del conector {source}?"],
            "nl": ["Hoe kan ik een kolom uitsluiten in de {source}-connector?"],
            "ja": ["{source}コネクタで特定の列を除外する方法を教えてください。"],
        },
    ),
    Family(
        name="support.billing", type="support", channels={"email": 0.5, "support_ticket": 0.3, "web_form": 0.2},
        urgency={"normal": 0.8, "high": 0.1, "low": 0.1}, urgency_pool="support", crm={"customer": 0.7},
        topic="Billing",
        subjects={"en": ["Invoice question", "Double charged", "Update billing details", "VAT number", "Cancel plan"],
                  "de": ["Rechnung", "Frage zur Rechnung"], "fr": ["Facture"], "es": ["Factura"], "nl": ["Factuur"]},
        bodies={
            "en": [
                "We were [charged twice|billed twice] this month (invoice {ticket}). || Can you refund the "
                "duplicate?",
                "Please [update|change] the billing address on our account and add our VAT number. ||?Invoice "
                "{ticket} needs to be reissued.",
                "Our card [expired|was declined] — how do I update payment details?",
                "We'd like to [cancel|downgrade] our {plan} subscription at the end of the term. || What's the "
                "process?",
                "The invoice shows {n} connectors but we only use [3|4|5]. || Can you check?",
            ],
            "de": ["Wir wurden diesen Monat doppelt belastet (Rechnung {ticket}). || Bitte um Gutschrift.",
                   "Bitte ändern Sie die Rechnungsadresse und ergänzen Sie unsere USt-IdNr."],
            "fr": ["Nous avons été facturés deux fois ce mois-ci (facture {ticket}). || Merci de rembourser."],
            "es": ["Nos cobraron dos veces este mes (factura {ticket}). || ¿Pueden reembolsar?"],
            "nl": ["We zijn deze maand dubbel gefactureerd (factuur {ticket}). || Graag terugbetaling."],
            "pt": ["Fomos cobrados duas vezes este mês (fatura {ticket})."],
            "it": ["Ci avete addebitato due volte la fattura {ticket}."],
        },
    ),
    Family(
        name="support.access", type="support", channels={"support_ticket": 0.4, "chat": 0.35, "email": 0.25},
        urgency={"normal": 0.7, "high": 0.2, "low": 0.1}, urgency_pool="support", crm={"customer": 0.6},
        topic="Support",
        subjects={"en": ["Can't log in", "SSO not working", "2FA reset", "Locked out"], "it": ["Accesso"],
                  "pt": ["Não consigo acessar"], "ja": ["ログインできません"]},
        bodies={
            "en": [
                "I can't log in to [our workspace|Cobalt] — [the SSO redirect loops|it says my account is locked|the "
                "reset email never arrives].",
                "[New|Our new] teammate didn't get the invite email. || Can you resend it or add {first} manually?",
                "lost my phone, need a 2FA reset for [my account|{first}@{domain}]",
                "Our Okta SAML integration broke after we rotated the certificate. || Nobody on the team can get in.",
            ],
            "it": ["Non riesco ad accedere al nostro workspace: il login SSO va in loop."],
            "pt": ["Não consigo acessar a plataforma, o e-mail de redefinição de senha não chega."],
            "ja": ["ログインできなくなりました。|| パスワードリセットのメールが届きません。"],
            "de": ["Ich kann mich nicht mehr einloggen, das SSO hängt in einer Schleife."],
            "fr": ["Je n'arrive plus à me connecter, le lien de réinitialisation ne fonctionne pas."],
            "es": ["No puedo iniciar sesión, el SSO entra en bucle."],
            "nl": ["Ik kan niet meer inloggen, de SSO blijft hangen."],
        },
    ),
    Family(
        name="support.data_quality", type="support", channels={"support_ticket": 0.5, "email": 0.5},
        urgency={"normal": 0.6, "high": 0.3, "low": 0.1}, urgency_pool="support", crm={"customer": 0.65},
        topic="Support", reply=0.3,
        subjects={"en": ["Row counts don't match", "Duplicates in {warehouse}", "Missing records"],
                  "es": ["Datos duplicados"], "de": ["Fehlende Datensätze"]},
        bodies={
            "en": [
                "Row counts in {warehouse} don't match {source} — we're missing about {percent}% of [orders|"
                "contacts|events] since {weekday}.",
                "We see duplicate rows in the [deals|invoices|users] table after every incremental sync. || "
                "Is the primary key configured wrong?",
                "Timestamps from {source} arrive shifted by [one hour|two hours] in {warehouse}. || Timezone bug?",
            ],
            "es": ["Vemos filas duplicadas en {warehouse} después de cada sincronización incremental."],
            "de": ["In {warehouse} fehlen seit {weekday} etwa {percent}% der Datensätze aus {source}."],
            "fr": ["Il manque environ {percent}% des lignes de {source} dans {warehouse}."],
        },
    ),
    Family(
        name="support.chat_quick", type="support", channels={"chat": 0.8, "support_ticket": 0.2},
        urgency={"normal": 0.65, "high": 0.25, "low": 0.1}, urgency_pool="support", crm={"customer": 0.55},
        sender="mixed", fields=False,
        bodies={
            "en": ["my sync is stuck", "api key not working??", "where do i find the webhook url",
                   "connector keeps asking me to reauth", "{source} sync error again", "how to reset my password",
                   "the dashboard shows 0 rows synced", "cant add a new destination"],
            "es": ["mi sincronización está atascada", "no funciona la api key"],
            "de": ["mein sync hängt", "api key geht nicht"], "pt": ["minha sincronização travou"],
            "fr": ["ma synchro est bloquée"], "nl": ["mijn sync loopt vast"], "it": ["la sincronizzazione è bloccata"],
            "ja": ["同期が止まっています"],
        },
    ),
]
