"""Spam and unknown families: junk to archive, and messages that say too little to act on."""

from __future__ import annotations

from training.corpus.engine import Family

SPAM_CH = {"web_form": 0.35, "email": 0.45, "chat": 0.1, "demo_request": 0.05, "linkedin": 0.05}

SPAM = [
    Family(
        name="spam.phishing", type="spam", sender="spam", role="spam", channels={"email": 0.85, "web_form": 0.15},
        urgency={"low": 1.0}, injection=0.08, topic="Other", reply=0.0,
        subjects={"en": ["Your mailbox is full", "Action required: verify your account", "Invoice #{ticket} overdue",
                         "Password expires today", "DocuSign: document waiting", "Payment failed"],
                  "de": ["Ihr Konto wurde gesperrt"], "fr": ["Votre compte a été suspendu"],
                  "es": ["Su cuenta ha sido bloqueada"], "it": ["Il tuo account è stato sospeso"],
                  "pt": ["Sua conta foi bloqueada"], "nl": ["Uw account is geblokkeerd"],
                  "ja": ["アカウントが停止されました"]},
        bodies={
            "en": [
                "Your [mailbox|Microsoft 365 account|password] [will expire|has been suspended] [today|in 24 hours]. "
                "|| [Click here|Log in here] to [keep your account active|verify your identity]: {url}",
                "Dear user, || we detected unusual [sign-in activity|payment activity] on your account. || "
                "Confirm your details at {url} or your account will be [closed|locked].",
                "You have a [new document|pending invoice|voice message] shared via [DocuSign|OneDrive|SharePoint]. "
                "|| [Review document|Open file]: {url}",
                "[Final notice|URGENT]: invoice {ticket} is overdue. || Pay now via {url} to avoid [legal "
                "action|suspension].",
            ],
            "de": ["Ihr Konto wurde aus Sicherheitsgründen gesperrt. || Bestätigen Sie Ihre Daten hier: {url}"],
            "fr": ["Votre compte a été suspendu. || Veuillez confirmer vos informations ici : {url}"],
            "es": ["Su cuenta ha sido bloqueada por seguridad. || Verifique sus datos aquí: {url}"],
            "it": ["Il tuo account è stato sospeso. || Conferma i tuoi dati qui: {url}"],
            "pt": ["Sua conta foi bloqueada. || Confirme seus dados aqui: {url}"],
            "nl": ["Uw account is geblokkeerd. || Bevestig uw gegevens via {url}"],
            "ja": ["お客様のアカウントが一時停止されました。|| 以下のリンクから確認してください：{url}"],
        },
    ),
    Family(
        name="spam.crypto_scam", type="spam", sender="spam", role="spam", channels=SPAM_CH, urgency={"low": 1.0},
        injection=0.1, topic="Other",
        subjects={"en": ["Make $5000 a day", "Congratulations, you won!", "Investment opportunity 300% ROI",
                         "Bitcoin doubling", "Inheritance claim"], "es": ["¡Felicidades!"], "pt": ["Parabéns!"]},
        bodies={
            "en": [
                "[Earn|Make] [$5,000|$10k] [a day|per week] with [our crypto trading bot|Bitcoin arbitrage]!!! || "
                "[Guaranteed|100%] returns. || Join now: {url}",
                "Congratulations! You have been selected to receive [a $1,000 gift card|an iPhone|1 BTC]. || Claim "
                "[here|now]: {url}",
                "I am [a barrister|the bank manager] representing [a deceased client|the estate of the late Mr. "
                "{first}] with [US$12.5 million|€8,400,000] unclaimed. || Reply with your full name and phone "
                "number.",
                "hot [singles|casino bonus|cheap pills] [in your area|no prescription] {url} {url}",
                "Double your [USDT|ETH] in 24h — send to wallet 0x{ticket}ab{ticket} and receive 2x back",
            ],
            "es": ["¡Felicidades! Ha ganado un premio de 1.000 €. || Reclámelo aquí: {url}"],
            "pt": ["Parabéns! Você ganhou um prêmio. || Resgate aqui: {url}"],
            "de": ["Verdienen Sie 5.000 € am Tag mit Krypto! || Jetzt anmelden: {url}"],
            "fr": ["Félicitations ! Vous avez gagné un iPhone. || Réclamez-le ici : {url}"],
            "it": ["Guadagna 5.000 € al giorno con le criptovalute! || Iscriviti: {url}"],
        },
    ),
    Family(
        name="spam.gibberish_bot", type="spam", sender="spam", role="spam",
        channels={"web_form": 0.55, "demo_request": 0.25, "chat": 0.2}, urgency={"low": 1.0}, topic="Other",
        fields=True,
        bodies={
            "en": [
                "asdkjh qwe lkjasd", "[fdsfsdf|sdfsdfsdf|hjkhjk] [sdfsdf|xcvxcv]", "test test test 123 {url}",
                "[xhTqPzW|KJhgytRfd|qwertyuiop] [mNbVc|lkjhg]", "[.|..|,,] [aaaa|zzzz|1234]",
                "[Hello|Hi] nice website {url}", "{url}", "[JkLmN|ZzYyXx] [OpQrS|WwVvU] 9{ticket}",
            ],
        },
    ),
    Family(
        name="spam.seo_link", type="spam", sender="spam", role="spam", channels=SPAM_CH, urgency={"low": 1.0},
        injection=0.08, topic="Other",
        subjects={"en": ["Guest post on your blog", "Backlinks DA 90+", "Link exchange", "Sponsored article"]},
        bodies={
            "en": [
                "[Buy|Get] [high DA|DA 90+|PBN] backlinks [cheap|for $5]! || [Boost your rankings|Rank #1 on "
                "Google] fast. {url}",
                "Hi webmaster, || I'd like to publish a guest post on your [blog|site] with a [dofollow|do-follow] "
                "link to my [casino|CBD|crypto] site. || I pay $[50|80] per post. {url}",
                "Link exchange? || [Our site|We] have DA [45|60|70] and would swap links with cobaltdata.com. {url}",
                "[Best|Cheap] [SEO|web traffic] [package|services] — 10,000 [visitors|backlinks] for $[9|19]. {url}",
            ],
            "it": ["Vendiamo backlink DA 90 a prezzi bassi! {url}"], "nl": ["Goedkope backlinks DA 90+! {url}"],
            "de": ["Günstige Backlinks mit hoher Domain Authority! {url}"],
            "fr": ["Backlinks DA 90 pas chers pour votre site ! {url}"],
            "es": ["¡Backlinks de alta autoridad baratos! {url}"], "pt": ["Backlinks baratos DA 90! {url}"],
        },
    ),
]

UNKNOWN = [
    Family(
        name="unknown.vague", type="unknown", sender="mixed", role="none",
        channels={"web_form": 0.35, "chat": 0.3, "email": 0.25, "linkedin": 0.1}, urgency={"normal": 0.75, "low": 0.25},
        topic="Other", fields=False, reply=0.0, weight=1.3,
        subjects={"en": ["Hello", "Question", "Info", "Hi", "Contact", "(no subject)"], "de": ["Anfrage"],
                  "fr": ["Question"], "es": ["Consulta"], "pt": ["Contato"], "nl": ["Vraag"], "it": ["Info"],
                  "ja": ["お問い合わせ"]},
        bodies={
            "en": ["[hi|hello], can you call me[?| please?| back?]", "info please", "[Please|pls] contact me.",
                   "I have a question.", "call me back [at|on] [+1 555 01{day}|my mobile]",
                   "[Interested.|interested]", "Can someone get in touch?", "More information [please|pls].",
                   "Is anyone there?", "I'd like to talk to someone.", "[Hi|Hello], I sent you an email last week.",
                   "What do you do exactly?", "[Hello|Hi]?", "Please send me details."],
            "de": ["Bitte rufen Sie mich zurück.", "Ich habe eine Frage.", "Mehr Infos bitte."],
            "fr": ["Pouvez-vous me rappeler ?", "J'ai une question.", "Plus d'informations svp."],
            "es": ["¿Me pueden llamar?", "Tengo una pregunta.", "Más información por favor."],
            "pt": ["Podem me ligar?", "Tenho uma dúvida.", "Mais informações, por favor."],
            "nl": ["Kunt u mij terugbellen?", "Ik heb een vraag."], "it": ["Potete richiamarmi?", "Ho una domanda."],
            "ja": ["お電話いただけますか。", "質問があります。", "詳細を教えてください。"],
        },
    ),
    Family(
        name="unknown.auto_reply", type="unknown", sender="business", role="none", channels={"email": 1.0},
        urgency={"low": 1.0}, topic="Other", reply=0.3,
        subjects={"en": ["Automatic reply: {subj}", "Out of Office: {subj}", "Auto-Reply", "Out of office"],
                  "de": ["Automatische Antwort: {subj}", "Abwesenheitsnotiz"], "fr": ["Réponse automatique : {subj}"],
                  "es": ["Respuesta automática: {subj}"], "pt": ["Resposta automática: {subj}"],
                  "nl": ["Automatisch antwoord: {subj}"], "it": ["Risposta automatica: {subj}"],
                  "ja": ["自動応答: {subj}"]},
        bodies={
            "en": [
                "I am out of the office [until {weekday}|until {month} {day}|with limited access to email]. || "
                "[For urgent matters|If urgent], please contact {colleague}@{domain}.",
                "Thank you for your email. I'm currently [on parental leave|travelling|on holiday] and will reply "
                "when I'm back.",
                "This is an automatic reply. || Your message has been received and [will be answered|we will get "
                "back to you] within {n} business days.",
            ],
            "de": ["Ich bin bis {weekday} nicht im Büro. || In dringenden Fällen wenden Sie sich an "
                   "{colleague}@{domain}.", "Vielen Dank für Ihre Nachricht. Ich bin im Urlaub."],
            "fr": ["Je suis absent du bureau jusqu'à {weekday}. || Pour toute urgence, contactez "
                   "{colleague}@{domain}."],
            "es": ["Estoy fuera de la oficina hasta el {weekday}. || Para urgencias contacte con "
                   "{colleague}@{domain}."],
            "pt": ["Estou fora do escritório até {weekday}. || Em caso de urgência, fale com {colleague}@{domain}."],
            "nl": ["Ik ben afwezig tot {weekday}. || Voor dringende zaken: {colleague}@{domain}."],
            "it": ["Sono fuori ufficio fino a {weekday}. || Per urgenze contattare {colleague}@{domain}."],
            "ja": ["{weekday}まで不在にしております。|| お急ぎの場合は{colleague}@{domain}までご連絡ください。"],
        },
    ),
    Family(
        name="unknown.bounce", type="unknown", sender="none", role="none", channels={"email": 1.0},
        urgency={"low": 1.0}, topic="Other", reply=0.0, fields=False,
        subjects={"en": ["Undeliverable: {subj}", "Delivery Status Notification (Failure)",
                         "Mail delivery failed: returning message to sender", "Returned mail: see transcript"]},
        bodies={
            "en": [
                "Delivery to the following recipient failed permanently: || {first}@{domain} || "
                "[The email account that you tried to reach does not exist.|550 5.1.1 User unknown]",
                "This message was created automatically by mail delivery software. || A message that you sent "
                "could not be delivered to one or more of its recipients. || [mailbox unavailable|"
                "recipient address rejected]",
                "Your message to {first}@{domain} couldn't be delivered. || [The recipient's mailbox is full|"
                "Remote server returned '554 5.7.1']",
            ],
        },
    ),
    Family(
        name="unknown.left_company", type="unknown", sender="business", role="none", channels={"email": 1.0},
        urgency={"low": 0.7, "normal": 0.3}, topic="Other", reply=0.6,
        subjects={"en": ["Re: {subj}", "{first} has left", "Wrong person"], "de": ["AW: {subj}"],
                  "fr": ["RE: {subj}"], "es": ["RE: {subj}"]},
        bodies={
            "en": [
                "[Wrong person|Not me] — [she|he|{colleague}] left the company [last month|in {month}]. || "
                "[Please remove me.|Try someone else.]",
                "{colleague} no longer works at {company}. || [Please update your records.|This mailbox is not "
                "monitored.]",
                "I think you have the wrong {first}. || [No idea what this is about.|Never signed up.]",
            ],
            "de": ["{colleague} ist nicht mehr bei uns im Unternehmen. || Bitte aktualisieren Sie Ihre Daten."],
            "fr": ["{colleague} a quitté l'entreprise. || Merci de mettre à jour vos contacts."],
            "es": ["{colleague} ya no trabaja en {company}."],
        },
    ),
    Family(
        name="unknown.near_empty", type="unknown", sender="mixed", role="none",
        channels={"web_form": 0.5, "demo_request": 0.2, "chat": 0.2, "email": 0.1}, urgency={"normal": 0.5, "low": 0.5},
        topic="Other", fields=True, reply=0.0,
        bodies={
            "en": ["", "", ".", "-", "n/a", "na", "test", "?", "ok", "thanks", "[yes|no]", "see attached",
                   "{name}", "[unsubscribe|stop]", "{first}@{domain}"],
            "de": ["", "danke"], "fr": ["", "merci"], "es": ["", "gracias"], "ja": ["", "よろしく"],
        },
    ),
]
