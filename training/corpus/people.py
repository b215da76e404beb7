"""Press, recruiting and student families."""

from __future__ import annotations

from training.corpus.engine import Family

PRESS = [
    Family(
        name="press.journalist", type="press", role="press", channels={"email": 0.7, "web_form": 0.2, "linkedin": 0.1},
        urgency={"high": 0.35, "normal": 0.6, "low": 0.05}, urgency_pool="press", topic="Press", forward=0.05,
        subjects={"en": ["Press inquiry", "Request for comment", "Interview request - {outlet}", "Media request",
                         "Story on the data stack"], "de": ["Presseanfrage"], "fr": ["Demande presse"],
                  "es": ["Solicitud de prensa"], "pt": ["Pedido de entrevista"], "nl": ["Persvraag"],
                  "it": ["Richiesta stampa"], "ja": ["取材のお願い"]},
        bodies={
            "en": [
                "I'm a [reporter|journalist|writer] at {outlet} working on a [story|piece|feature] about [the "
                "consolidation of data tools|AI and data pipelines|{competitor}'s pricing change]. || Would "
                "[your CEO|someone at Cobalt] be available for [a short interview|comment|a quick call]?",
                "[Writing|Putting together] a [piece|roundup] on [ELT vendors|the modern data stack] for {outlet}. "
                "|| Could you share [a comment|customer numbers|a spokesperson] on [the market|your growth]?",
                "[Hi|Hello] — {outlet} here. || We'd like to [include Cobalt in|feature Cobalt in] our [annual "
                "list|market map] of data integration startups. || [Could you answer a few questions?|Can you "
                "confirm some facts?]",
            ],
            "de": ["Ich bin Journalist bei {outlet} und schreibe über Datenplattformen. || Wäre jemand von "
                   "Cobalt für ein kurzes Interview verfügbar?"],
            "fr": ["Je suis journaliste chez {outlet} et je prépare un article sur les outils de données. || "
                   "Votre CEO serait-il disponible pour une interview ?"],
            "es": ["Soy periodista en {outlet} y preparo un artículo sobre plataformas de datos. || ¿Podría "
                   "alguien de Cobalt darnos una entrevista?"],
            "pt": ["Sou jornalista da {outlet} e estou escrevendo uma matéria sobre dados. || O CEO da Cobalt "
                   "poderia dar uma entrevista?"],
            "nl": ["Ik ben journalist bij {outlet} en schrijf een artikel over data-integratie. || Is iemand "
                   "van Cobalt beschikbaar voor een interview?"],
            "it": ["Sono giornalista di {outlet} e sto scrivendo un articolo sulle piattaforme dati. || Il "
                   "vostro CEO sarebbe disponibile per un'intervista?"],
            "ja": ["{outlet}の記者をしております。|| データ基盤に関する記事のため、取材をお願いできますでしょうか。"],
        },
    ),
    Family(
        name="press.analyst", type="press", role="press", channels={"email": 0.8, "web_form": 0.2},
        urgency={"high": 0.2, "normal": 0.75, "low": 0.05}, urgency_pool="press", topic="Press",
        subjects={"en": ["Analyst briefing request", "Market guide inclusion", "Research survey for vendors"]},
        bodies={
            "en": [
                "I'm an analyst [covering data integration|at a research firm] and we're [updating|preparing] "
                "our [market guide|vendor landscape|wave report]. || Could we schedule a briefing with your "
                "product team?",
                "We're [compiling|running] a [vendor survey|market study] on [ELT and reverse ETL|data "
                "pipelines]. || Please [fill in|complete] the vendor questionnaire [by the {day}th|"
                "before our cut-off].",
            ],
            "de": ["Ich bin Analyst und wir aktualisieren unseren Marktüberblick zu Datenintegration. || "
                   "Können wir ein Briefing vereinbaren?"],
            "fr": ["Analyste chez un cabinet d'études, nous préparons un panorama des outils ELT. || "
                   "Pourrions-nous organiser un briefing ?"],
        },
    ),
    Family(
        name="press.podcast_speaker", type="press", role="press", channels={"email": 0.5, "linkedin": 0.3,
                                                                          "web_form": 0.2},
        urgency={"high": 0.15, "normal": 0.75, "low": 0.1}, urgency_pool="press", topic="Press",
        subjects={"en": ["Podcast guest invitation", "Speaker invitation: {event}", "Call for papers {event}",
                         "Panel on data engineering"], "de": ["Einladung als Speaker"], "es": ["Invitación"],
                  "fr": ["Invitation conférence"], "it": ["Invito come relatore"], "pt": ["Convite podcast"]},
        bodies={
            "en": [
                "I host [a podcast|the {outlet} podcast] about [data engineering|analytics|the modern data stack]. "
                "|| We'd love to have [your CTO|a Cobalt founder|someone from your team] as a guest.",
                "We're organising {event} in {city}. || Would Cobalt like to [submit a talk|join a panel|give a "
                "keynote]? ||?The call for papers closes on the {day}th.",
                "[Invitation|Invite] to speak at {event}: || [a 20-minute talk|a fireside chat] on [CDC|"
                "reverse ETL|data reliability]. || [Travel covered.|Speakers get a free pass.]",
            ],
            "de": ["Wir organisieren {event} in {city}. || Möchte jemand von Cobalt einen Vortrag halten?"],
            "es": ["Organizamos {event} en {city}. || ¿Les gustaría participar como ponentes?"],
            "fr": ["Nous organisons {event} à {city}. || Un membre de Cobalt voudrait-il intervenir ?"],
            "it": ["Organizziamo {event} a {city}. || Qualcuno di Cobalt vorrebbe intervenire come relatore?"],
            "pt": ["Apresento um podcast sobre engenharia de dados. || Gostaríamos de convidar o CTO da Cobalt."],
            "nl": ["We organiseren {event} in {city}. || Wil iemand van Cobalt spreken?"],
            "ja": ["{event}を開催いたします。|| 御社のどなたかにご登壇いただけないでしょうか。"],
        },
    ),
]

RECRUITING = [
    Family(
        name="recruiting.applicant", type="recruiting", role="applicant", sender="mixed",
        channels={"email": 0.5, "web_form": 0.25, "linkedin": 0.25}, urgency={"normal": 0.9, "low": 0.1},
        topic="Careers",
        subjects={"en": ["Application: Data Engineer", "Job application", "Open roles?", "Internship application",
                         "CV attached"], "de": ["Bewerbung als Data Engineer", "Initiativbewerbung"],
                  "fr": ["Candidature spontanée"], "es": ["Candidatura"], "pt": ["Candidatura"],
                  "nl": ["Sollicitatie"], "it": ["Candidatura spontanea"], "ja": ["採用応募について"]},
        bodies={
            "en": [
                "I'd like to apply for the [Data Engineer|Solutions Engineer|Account Executive|Backend Engineer] "
                "[role|position] [I saw on your careers page|posted on LinkedIn]. || [My CV is attached.|Please "
                "find my resume attached.] ||?I have {team} years of experience with {warehouse} and {source}.",
                "Are you hiring? || I'm a [data engineer|sales rep|product designer] [relocating to|based in] "
                "{city} and love what Cobalt is building.",
                "[Hello|Hi], I'm [finishing my degree|a recent graduate] and looking for [an internship|a junior "
                "role] in [engineering|marketing]. || Do you have [openings|internships]?",
                "Following up on my application for the [SDR|Data Engineer] position — [any update?|is the role "
                "still open?]",
            ],
            "de": ["Hiermit bewerbe ich mich als Data Engineer. || Meinen Lebenslauf finden Sie im Anhang.",
                   "Haben Sie offene Stellen im Vertrieb? || Ich habe {team} Jahre Erfahrung."],
            "fr": ["Je souhaite postuler au poste d'ingénieur data. || Vous trouverez mon CV en pièce jointe."],
            "es": ["Me gustaría postularme para el puesto de ingeniero de datos. || Adjunto mi CV."],
            "pt": ["Gostaria de me candidatar à vaga de engenheiro de dados. || Segue meu currículo em anexo."],
            "nl": ["Ik wil graag solliciteren op de functie Data Engineer. || Mijn cv zit in de bijlage."],
            "it": ["Vorrei candidarmi per la posizione di Data Engineer. || In allegato il mio CV."],
            "ja": ["データエンジニア職に応募したく、ご連絡いたしました。|| 履歴書を添付いたします。"],
        },
    ),
    Family(
        name="recruiting.agency_recruiter", type="recruiting", role="recruit",
        channels={"email": 0.6, "linkedin": 0.4}, urgency={"normal": 0.7, "low": 0.3}, topic="Careers",
        subjects={"en": ["Candidates for your open roles", "Senior data engineer available", "Recruitment support",
                         "Hiring in {city}?"], "de": ["Kandidaten für Ihre offenen Stellen"],
                  "nl": ["Kandidaten"], "es": ["Candidatos"]},
        bodies={
            "en": [
                "I'm a [technical recruiter|headhunter] [at|with] [{agency}|a specialist agency]. || I have [a "
                "strong|two excellent] [senior data engineer|solutions architect|enterprise AE] "
                "[candidates|profiles] [available now|on the market] who'd be a great fit for Cobalt. || "
                "[Shall I send the CVs?|Interested?]",
                "Saw you're hiring [engineers|AEs] in {city}. || We [place|specialise in placing] [data|SaaS "
                "sales] talent on a [contingency|success-fee] basis. || Can I send some profiles?",
            ],
            "de": ["Ich bin Personalberater und habe einen sehr guten Senior Data Engineer für Ihre offene "
                   "Stelle. || Darf ich Ihnen das Profil schicken?"],
            "nl": ["Ik ben recruiter en heb sterke kandidaten voor jullie vacatures. || Zal ik cv's sturen?"],
            "es": ["Soy reclutador técnico y tengo candidatos ideales para sus vacantes. || ¿Le envío los CV?"],
            "fr": ["Je suis recruteur et j'ai des profils de data engineers pour vos postes ouverts."],
        },
    ),
]

STUDENT = [
    Family(
        name="student.thesis", type="student", role="student", sender="mixed",
        channels={"email": 0.6, "web_form": 0.3, "linkedin": 0.1}, urgency={"low": 1.0}, topic="Other",
        subjects={"en": ["Thesis interview request", "Master's thesis on data pipelines", "Research interview",
                         "Question for my dissertation"], "de": ["Masterarbeit – Interviewanfrage"],
                  "fr": ["Mémoire de fin d'études"], "es": ["Trabajo de fin de máster"], "pt": ["TCC"],
                  "nl": ["Afstudeeronderzoek"], "it": ["Tesi di laurea"], "ja": ["卒業論文のインタビュー依頼"]},
        bodies={
            "en": [
                "I'm a [master's|PhD|final-year] student at {university} writing my [thesis|dissertation] on "
                "[data pipeline reliability|ELT tools|data mesh adoption]. || Could someone from Cobalt spare "
                "[20|30] minutes for an interview?",
                "[For my|As part of my] [thesis|research project] at {university}, I'm interviewing [data "
                "engineers|vendors] about [CDC|reverse ETL|schema evolution]. || [Would you participate?|Could "
                "you help?]",
                "Hi, I'm [studying|doing an MSc in] [data science|computer science|business informatics] at "
                "{university}. || [Does Cobalt offer|Is there] [free access|a student licence|an academic "
                "program] for [my thesis|a class project]?",
            ],
            "de": ["Ich schreibe meine Masterarbeit an der {university} über Datenpipelines. || Hätten Sie "
                   "Zeit für ein kurzes Interview?"],
            "fr": ["Je suis étudiant à {university} et je rédige mon mémoire sur les outils ELT. || Pourriez-vous "
                   "m'accorder un entretien ?"],
            "es": ["Soy estudiante en {university} y estoy haciendo mi trabajo de fin de máster sobre "
                   "integración de datos. || ¿Podrían concederme una entrevista?"],
            "pt": ["Sou estudante na {university} e estou fazendo meu TCC sobre pipelines de dados. || Poderiam "
                   "responder algumas perguntas?"],
            "nl": ["Ik ben student aan {university} en doe afstudeeronderzoek naar data-integratie. || Mag ik "
                   "iemand van Cobalt interviewen?"],
            "it": ["Sono uno studente di {university} e sto scrivendo la tesi sulle pipeline di dati. || "
                   "Potreste concedermi un'intervista?"],
            "ja": ["{university}の学生です。卒業論文でデータ連携について研究しています。"
                    "|| インタビューにご協力いただけないでしょうか。"],
        },
    ),
    Family(
        name="student.coursework_survey", type="student", role="student", sender="free",
        channels={"email": 0.4, "web_form": 0.4, "chat": 0.2}, urgency={"low": 1.0}, topic="Other", fields=False,
        subjects={"en": ["Survey for my class", "Quick questionnaire (5 min)", "Homework question",
                         "Group project"], "es": ["Encuesta para la universidad"], "de": ["Umfrage für ein Seminar"]},
        bodies={
            "en": [
                "[Hi!|Hello,] For a [course|class|module] on [information systems|entrepreneurship|cloud "
                "computing] we have to survey [companies|SaaS startups]. || Could you fill in this [5-minute|"
                "short] [survey|questionnaire]: {url}",
                "our [group|team] is doing a [school|uni|university] project about [startups|data companies] "
                "and we picked Cobalt. || can we ask [a few|5] questions [about your business model|by email]?",
                "[I'm in high school|I'm a bootcamp student] and [need to|want to] [learn ETL|practise with a real "
                "tool] for an assignment. || Is there a free version?",
            ],
            "es": ["Para una asignatura de la universidad tenemos que entrevistar a startups. || ¿Podrían "
                   "responder esta encuesta? {url}"],
            "de": ["Für ein Seminar an der Uni machen wir eine Umfrage unter Startups. || Hätten Sie 5 Minuten?"],
            "fr": ["Dans le cadre d'un projet de cours, nous réalisons une enquête auprès des startups. || "
                   "Pourriez-vous y répondre ?"],
            "it": ["Per un progetto universitario stiamo facendo un questionario alle startup. || Potete "
                   "rispondere?"],
            "pt": ["Para um trabalho da faculdade precisamos entrevistar startups. || Podem responder?"],
        },
    ),
]
