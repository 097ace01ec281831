"""Writing (work documents, emails, editing) and creative-writing conversations."""

from __future__ import annotations

from semtel_core.sample_data._drafts import Draft, d

DRAFTS: tuple[Draft, ...] = (
    d(
        "writing intermediate satisfied low yes",
        "Can you write a polite email to my landlord asking when the broken heater will be fixed? It's been two "
        "weeks. My name is Daniel Okafor, flat 3B, 27 Larch Road. He's at r.pembridge@example.co.uk.",
        "Subject: Heater repair at Flat 3B, 27 Larch Road\n\nDear Mr Pembridge,\n\nI'm writing to follow up on "
        "the broken heater in Flat 3B, which I reported two weeks ago. With the colder weather it has become "
        "difficult to keep the flat warm. Could you let me know when a repair is scheduled? I'm happy to "
        "arrange access at a time that suits the engineer.\n\nThank you for your help.\n\nKind regards,\n"
        "Daniel Okafor",
        "that's perfect, sent it. thanks!",
        locale="en-GB",
        pii="person email address",
    ),
    d(
        "writing proficient neutral high yes",
        "Rewrite this paragraph from our incident postmortem so it is blameless and clearer: 'Bob pushed a bad "
        "config on Friday without review which took down login for 2 hours because he didn't follow the "
        "process.'",
        '"On Friday at 16:05 a configuration change to the authentication service was deployed without a '
        "second review. The change disabled the session store connection, and login was unavailable for 2 "
        "hours until it was rolled back. Our deployment tooling allowed configuration changes to bypass the "
        'review step; closing that gap is action item 1." This focuses on the sequence and the system gap '
        "rather than the person.",
    ),
    d(
        "writing beginner dissatisfied low yes",
        "write a cover letter for a barista job",
        "Dear Hiring Manager, I am excited to apply for the Barista position at your esteemed establishment. "
        "With my passion for coffee and dedication to excellence, I am confident I would be a valuable asset "
        "to your team...",
        "this sounds so fake. nobody talks like that for a coffee shop",
        "Here's a more natural version: \"Hi! I'd love to join your team as a barista. I've worked weekends at "
        "a bakery for a year, so I'm used to early starts and busy mornings, and I've been learning latte art "
        "at home. I'm free mornings and weekends.\"",
        "still too generic, you don't even know which shop. never mind",
    ),
    d(
        "writing expert satisfied high yes",
        "I'm editing a grant proposal's specific aims page. Tighten this aim without losing meaning: 'Aim 2: "
        "To determine whether and to what extent the observed differences in microbial community composition "
        "between treated and untreated soils can be attributed to changes in nitrogen availability, and to "
        "further characterize the mechanisms by which such changes may occur.'",
        '"Aim 2: Determine how far nitrogen availability explains the microbial community differences between '
        'treated and untreated soils, and identify the mechanisms involved." It keeps both parts (attribution '
        "and mechanism) in 25 words instead of 48.",
        "Excellent, that's going in as is.",
    ),
    d(
        "writing intermediate neutral low yes",
        "Summarize this in two sentences for a newsletter: Our office will move from the 4th floor to the 7th "
        "floor on November 20. Movers arrive at 8am. Please pack your desk into the provided boxes by the 19th, "
        "label them with your name and new desk number from the seating plan on the intranet. IT will move "
        "computers. The kitchen on 7 opens on the 23rd.",
        "We're moving from the 4th to the 7th floor on November 20: please pack and label your desk boxes with "
        "your name and new desk number (see the intranet seating plan) by the 19th, and IT will move the "
        "computers. The new kitchen opens on the 23rd.",
    ),
    d(
        "writing proficient dissatisfied high yes",
        "Draft a LinkedIn post announcing our Series A. We're a logistics startup, 18 people, raised $12M led "
        "by a fund I don't want to name yet. Humble, no buzzwords.",
        "🚀 Thrilled to announce that we've raised $12M in Series A funding! This is a game-changer for our "
        "mission to revolutionize logistics...",
        "I literally said no buzzwords. 'game-changer', 'revolutionize', a rocket emoji?",
        "Sorry about that. Try: \"We've raised a $12M Series A. Two years ago we were three people fixing "
        "missed deliveries with spreadsheets; today we're 18, and the same problem still drives us. The money "
        'goes into hiring and into our routing engine. Thank you to our customers for trusting us early."',
        "better but 'trusting us early' is weird. I'll write it myself",
    ),
    d(
        "writing beginner satisfied low yes",
        "can u fix the grammar: me and him goes to the meeting tomorrow, we will discuss about the budget",
        "\"He and I are going to the meeting tomorrow; we will discuss the budget.\" Two fixes: 'He and I' as "
        "the subject, and 'discuss' takes no 'about'.",
        "thanks, didn't know that about discuss!",
    ),
    d(
        "writing intermediate satisfied high yes",
        "I need a one-page project brief for migrating our team wiki from Confluence to Notion. Sections: "
        "goal, scope, timeline, risks. 25 people, ~1,200 pages.",
        "Goal: move the team wiki to Notion by end of Q1 so documentation lives next to our task tracking.\n\n"
        "Scope: ~1,200 pages. In: active spaces, attachments, page history for the last year. Out: archived "
        "spaces (exported to PDF and stored read-only).\n\nTimeline: weeks 1–2 audit and delete stale pages; "
        "weeks 3–4 pilot import of one space and fix formatting; weeks 5–7 full import; week 8 redirects, "
        "training and Confluence set to read-only.\n\nRisks: macros and Jira embeds don't convert (mitigation: "
        "inventory them in the audit); broken internal links (link-check script after import); low adoption "
        "(nominate one owner per space).",
        "This is great, I'll present it Monday. Thank you!",
    ),
    d(
        "writing novice neutral low yes",
        "How long should a paragraph be?",
        "There's no fixed rule, but most readable paragraphs in essays are 3 to 6 sentences, focused on one "
        "idea. Online, shorter paragraphs of 1 to 3 sentences are easier to scan.",
    ),
    d(
        "writing proficient satisfied high yes",
        "Please write a reply to a customer complaining that their refund took 3 weeks. Acknowledge it, "
        "explain the bank processing step without blaming the bank, and offer a 15% voucher. Customer: Ms. "
        "Priya Raman, order #48213, phone on file +1 (415) 555-0143.",
        "Dear Ms. Raman,\n\nThank you for your patience, and I'm sorry your refund for order #48213 took three "
        "weeks. That's longer than it should be. We issued the refund on our side within two days, but card "
        "refunds then pass through a settlement step before they appear on your statement, and we didn't "
        "explain that clearly. As an apology, here is a 15% voucher for your next order: REFUND15-48213.\n\n"
        "If you have any questions, reply to this email or call us and we'll help right away.\n\nBest regards",
        "Really good, sending it now.",
        pii="person phone",
    ),
    d(
        "writing intermediate dissatisfied low yes",
        "Shorten this to under 280 characters for X: We are excited to share that our annual community "
        "meetup is back! Join us on December 6 at the Riverside Hall from 6pm for talks, food and music. "
        "Tickets are free but limited, so register early on our website.",
        "Our annual community meetup is back! Join us December 6 at Riverside Hall from 6pm for talks, food "
        "and music. Tickets are free but limited, so register early on our website to secure your spot and "
        "don't miss out on this exciting evening with the community!",
        "that's LONGER than before",
    ),
    d(
        "creative_writing beginner satisfied low no",
        "write a short poem about my cat who sleeps all day",
        "On the warmest square of sun,\nmy cat declares the day is done\nat nine a.m., at noon, at three,\n"
        "a furry loaf of dignity.\nShe wakes to eat, she wakes to stare,\nthen sinks back down without a care.",
        "haha 'a furry loaf of dignity' is so her. love it",
    ),
    d(
        "creative_writing intermediate neutral high no",
        "Give me an opening paragraph for a noir detective story set on a space station.",
        "The air recyclers on Deck Nine had been coughing for a week, and so had I. Nobody on Hesperus Station "
        "hires a detective for good news; they hire one when the oxygen bills don't add up and a hydroponics "
        "tech turns up floating past the observation window without a suit. She came in at the end of third "
        "shift, smelling of ozone and money, and asked if I was the man who could find things that didn't want "
        "to be found.",
    ),
    d(
        "creative_writing proficient dissatisfied high no",
        "I'm writing a fantasy novel. Give me a magic system that isn't the usual elemental stuff.",
        "Here's one: mages draw power from the four elements, fire, water, earth and air, and each mage has an "
        "affinity for one of them...",
        "that is literally the elemental stuff I said to avoid",
        "Apologies. Alternative: magic runs on debts. Any favor can be bound into an object, and the object "
        "can later compel the debtor to repay in kind. Powerful mages are those owed the most; bankruptcies "
        "are wars.",
        "the debt idea is interesting but you ignored the request the first time. meh",
    ),
    d(
        "creative_writing expert satisfied high no",
        "I write literary fiction. My protagonist's mother dies off-page in chapter 3 and readers in my workshop "
        "say the grief in chapter 4 feels told, not shown. Can you suggest techniques rather than rewriting it?",
        "A few that tend to work: let grief appear in displacement, where she obsessively fixes something "
        "trivial; use a concrete object of the mother's that keeps interrupting scenes; let time distort, with "
        "the prose lingering on small moments and skipping over big ones; and cut any sentence that names the "
        "emotion. Also consider a scene where someone else grieves 'wrongly' and your protagonist reacts: "
        "judgment of another's grief often reveals more than interior monologue.",
        "The 'grieving wrongly' idea is exactly what the chapter needs. Thank you, this is very useful.",
    ),
    d(
        "creative_writing novice neutral low no",
        "tell me a bedtime story about a dragon who is afraid of the dark",
        "Once upon a time, a little dragon named Ember could light up a whole cave with one sneeze, but at "
        "night, when her fire went sleepy, the dark felt enormous. One evening an old owl taught her a secret: "
        "the dark is just the day resting its eyes. Ember listened, and heard crickets singing, the river "
        "humming, the stars whispering. 'The dark is full of friends,' she said, and curled up with a tiny "
        "glow in her nose, just in case. The end.",
    ),
    d(
        "creative_writing intermediate satisfied low no",
        "I need a funny toast for my sister's wedding, 1 minute, she's a vet and her husband is an accountant.",
        "\"For those who don't know me, I'm Lena's sister, which means I've spent years watching her bring home "
        "injured birds, anxious hamsters, and once a very confused iguana. So when she brought home Tom, we "
        "assumed he needed treatment. Turns out he was an accountant, which is close. Tom, you're the only "
        "person who has ever made her budget anything other than dog food. Lena, you've found someone who "
        "can count, and who counts on you. Please raise your glasses: to Lena and Tom, may your love be "
        'tax-deductible and your patients all well-behaved."',
        "the iguana line is perfect, she'll die laughing. thanks!!",
    ),
    d(
        "creative_writing beginner dissatisfied low no",
        "write a rap about pizza",
        "Pizza, pizza, oh so nice,\ncheese and sauce and every slice,\ntoppings here and toppings there,\n"
        "pizza, pizza, everywhere!",
        "that's a nursery rhyme not a rap bro",
    ),
    d(
        "creative_writing proficient neutral high no",
        "Write a haiku sequence (3 haiku) about a city at 4am.",
        "Streetlights hum alone—\na taxi idles, engine\ntalking to itself.\n\nBakery window:\nthe first trays "
        "of bread breathing\nonto the cold glass.\n\nOne lit apartment.\nSomeone else is awake too,\nwe will "
        "never meet.",
    ),
    d(
        "writing intermediate satisfied low yes",
        "Escribe un correo formal para pedir a mi jefa dos días libres el 12 y 13 de noviembre por un trámite "
        "familiar.",
        "Asunto: Solicitud de días libres 12 y 13 de noviembre\n\nEstimada Laura:\n\nLe escribo para solicitar "
        "dos días libres, el 12 y el 13 de noviembre, para atender un trámite familiar que no puedo realizar "
        "fuera del horario laboral. Dejaré mis tareas pendientes organizadas y coordinaré con el equipo para "
        "que no haya retrasos.\n\nQuedo atenta a su confirmación.\n\nUn saludo cordial",
        "Perfecto, muchas gracias.",
        locale="es-ES",
    ),
    d(
        "creative_writing intermediate satisfied high no",
        "Écris-moi le début d'un conte qui se passe dans une boulangerie de Lyon, avec un chat qui parle.",
        "Chaque matin à quatre heures, quand Monsieur Berthier allumait le four de la rue Mercière, Barnabé, le "
        "chat roux de la boulangerie, s'installait sur le sac de farine et donnait son avis. « Trop de sel dans "
        "la fougasse d'hier », disait-il, ou bien : « La dame du troisième reviendra, elle a aimé tes "
        "bugnes. » Le boulanger ne s'étonnait plus depuis longtemps. Mais ce matin-là, Barnabé ne dit rien du "
        "tout, et c'est ce silence qui inquiéta Monsieur Berthier.",
        "Magnifique, ma fille va adorer. Merci beaucoup !",
        locale="fr-FR",
    ),
    d(
        "writing beginner neutral low yes",
        "Schreib mir bitte eine kurze Abwesenheitsnotiz für die Zeit vom 2. bis 13. November.",
        "Vielen Dank für Ihre Nachricht. Ich bin vom 2. bis einschließlich 13. November nicht im Büro und habe "
        "in dieser Zeit keinen Zugriff auf meine E-Mails. In dringenden Fällen wenden Sie sich bitte an mein "
        "Team. Ab dem 14. November bin ich wieder erreichbar.",
        locale="de-DE",
    ),
    d(
        "creative_writing beginner neutral low no",
        "短い詩を書いてください。テーマは秋の夕暮れです。",
        "山の端に\n沈む夕日の\n赤とんぼ\n風がはこぶは\n焼き芋のにおい",
        locale="ja-JP",
    ),
)
