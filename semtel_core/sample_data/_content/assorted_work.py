"""More work-related conversations: business, legal, education, science, health; some from the office add-in."""

from __future__ import annotations

from semtel_core.sample_data._drafts import Draft, d

_OFFICE_SYSTEM = (
    "You are a writing assistant inside a word processor. Answer concisely and keep the user's voice."
)

DRAFTS: tuple[Draft, ...] = (
    d(
        "business beginner satisfied low yes",
        "Turn these notes into meeting minutes: budget approved 40k for Q1 ads, Sara owns the vendor shortlist "
        "by Nov 15, website launch moved to Jan 10, next meeting Nov 18.",
        "Minutes\n\nDecisions:\n- Q1 advertising budget of 40k approved.\n- Website launch moved to 10 "
        "January.\n\nActions:\n- Sara: vendor shortlist by 15 November.\n\nNext meeting: 18 November.",
        "thanks, exactly that",
        system=_OFFICE_SYSTEM,
    ),
    d(
        "business proficient dissatisfied high yes",
        "Give me a competitive analysis of the European e-bike subscription market.",
        "The European e-bike subscription market is growing rapidly, driven by urbanization and "
        "sustainability trends. Key players include various startups and established companies...",
        "names, pricing, differentiation. this is just filler",
        "Examples: Swapfiets (Netherlands and other countries, flat monthly fee including repairs), Dance "
        "(Berlin, premium e-bikes with service), and leasing via employers such as JobRad in Germany, which "
        "competes on tax advantages. I can't verify current prices; check each site.",
        "still thin. I'll do the research myself",
    ),
    d(
        "business expert neutral high yes",
        "We're considering moving from annual to monthly billing by default for our SMB segment. What second-"
        "order effects should I model?",
        "Cash: you lose upfront annual cash, which matters for runway and may raise your need for working "
        "capital. Churn: monthly plans churn more, but some annual churn is deferred rather than avoided, so "
        "compare cohort revenue, not logo churn. Conversion: lower commitment usually lifts trial-to-paid. "
        "Support and payments: more failed-payment events (involuntary churn) and dunning effort. Pricing: if "
        "annual keeps a discount, the mix shift changes your effective ARPA. Model by cohort over 24 months.",
    ),
    d(
        "business intermediate neutral low yes",
        "Write a job posting for a part-time bookkeeper, 20 hours a week, remote, Xero experience.",
        "Part-time Bookkeeper (20 h/week, remote)\n\nWe're a 15-person design studio looking for a bookkeeper "
        "to keep our books accurate and up to date.\n\nYou will: reconcile bank accounts in Xero, process "
        "supplier invoices and expenses, run monthly payroll inputs, and prepare month-end reports for our "
        "accountant.\n\nYou have: 2+ years of bookkeeping, solid Xero skills, and attention to detail.\n\n"
        "We offer: flexible hours, a friendly team, and a long-term role.",
        system=_OFFICE_SYSTEM,
    ),
    d(
        "legal beginner neutral low no",
        "is it legal to record a phone call without telling the other person",
        "It depends on where you and the other person are. Some places need only one party's consent (you), "
        "others require everyone's consent; several US states and many countries are all-party. If the "
        "people are in different places, the stricter rule usually applies in practice.",
    ),
    d(
        "legal expert satisfied high yes",
        "Draft a limitation-of-liability clause for a SaaS MSA, vendor-friendly but reasonable: cap at 12 "
        "months fees, carve-outs for confidentiality breach and indemnities, exclude consequential damages.",
        "Limitation of Liability. (a) Except for Excluded Claims, neither party's aggregate liability arising "
        "out of or related to this Agreement shall exceed the fees paid or payable by Customer in the twelve "
        "(12) months preceding the event giving rise to the claim. (b) Except for Excluded Claims, neither "
        "party shall be liable for any indirect, incidental, special, consequential or punitive damages, or "
        'lost profits or revenues, even if advised of their possibility. (c) "Excluded Claims" means a '
        "party's breach of Section [Confidentiality], its indemnification obligations, and its gross "
        "negligence, fraud or wilful misconduct.",
        "Clean and balanced. I'd add a super-cap for data breaches, but this is a great base. Thanks.",
    ),
    d(
        "legal intermediate dissatisfied low no",
        "Ich habe online Schuhe gekauft und will sie nach 20 Tagen zurückgeben. Geht das noch?",
        "Ja, Sie haben in der EU immer 30 Tage Widerrufsrecht.",
        "Das stimmt nicht, gesetzlich sind es 14 Tage. Manche Händler geben freiwillig mehr.",
        "Richtig, das gesetzliche Widerrufsrecht beträgt 14 Tage ab Erhalt der Ware. Prüfen Sie die "
        "Rückgabebedingungen des Shops, viele gewähren 30 Tage.",
        "Gut, aber die erste Antwort war falsch.",
        locale="de-DE",
    ),
    d(
        "education intermediate satisfied high yes",
        "Create a 4-week reading schedule for 'Of Mice and Men' for my 8th graders with one discussion "
        "question per week.",
        "Week 1: chapters 1–2. Question: what do George and Lennie's different dreams of the farm reveal about "
        "each of them?\nWeek 2: chapter 3. Question: was George right to let Carlson shoot Candy's dog? How "
        "does this scene foreshadow the ending?\nWeek 3: chapters 4–5. Question: how does loneliness shape "
        "Crooks and Curley's wife?\nWeek 4: chapter 6. Question: was George's final choice an act of mercy? "
        "Use evidence from the text.",
        "Great questions, thanks!",
    ),
    d(
        "education novice neutral low no",
        "how do i help my kid who hates reading",
        "Let them choose what to read, including comics, graphic novels, magazines or books about their "
        "hobbies: any reading counts. Read together and stop before it becomes a chore; audiobooks help too. "
        "If reading seems hard rather than boring, ask the school about a check for difficulties like "
        "dyslexia.",
    ),
    d(
        "education proficient dissatisfied high yes",
        "Write 5 exam questions on Bayes' theorem for a 2nd-year stats course, of increasing difficulty.",
        "1. State Bayes' theorem.\n2. What is a prior?\n3. Define posterior probability.\n4. What is a "
        "likelihood?\n5. Explain Bayes' theorem in words.",
        "these are all recall questions. I said increasing difficulty, I need problems",
    ),
    d(
        "education beginner satisfied low no",
        "Quais são os melhores aplicativos gratuitos para aprender inglês sozinho?",
        "Duolingo para criar o hábito diário, BBC Learning English para vídeos e gramática, Anki para "
        "vocabulário com repetição espaçada e o canal de podcasts 'Inglês do Zero'. Para conversar, o Tandem "
        "conecta você com falantes nativos.",
        "Valeu, vou começar pelo Anki!",
        locale="pt-BR",
    ),
    d(
        "science intermediate satisfied low no",
        "Why do we have leap years?",
        "A year, one orbit of the Sun, is about 365.2422 days. Without correction the calendar would drift by "
        "about a day every 4 years. Adding February 29 every 4 years fixes most of it; skipping leap years in "
        "century years not divisible by 400 (1900, 2100) fixes the rest.",
        "never knew about the 400 rule, thanks!",
    ),
    d(
        "science proficient neutral high no",
        "Why can't we use the James Webb telescope to look at the Apollo landing sites?",
        "Resolution. Webb's 6.5 m mirror resolves about 0.07 arcseconds in the near-infrared; at the Moon's "
        "distance that's about 130 m. The lunar module descent stage is about 4 m across. The Moon is also far "
        "too bright for its instruments. Lunar orbiters like LRO, from 50 km up, have imaged the sites, "
        "including the rover tracks.",
    ),
    d(
        "science beginner satisfied low no",
        "¿Los tiburones son más antiguos que los árboles?",
        "Sí. Los tiburones aparecieron hace unos 450 millones de años, y los primeros árboles (como "
        "Archaeopteris y otros más antiguos) hace unos 385–390 millones de años.",
        "¡Qué locura! Gracias.",
        locale="es-ES",
    ),
    d(
        "science intermediate neutral high yes",
        "Can you explain how to calculate the molarity of a solution where I dissolve 5.85 g of NaCl in water "
        "to make 250 mL? I'm writing up a lab report.",
        "Moles of NaCl = 5.85 g ÷ 58.44 g/mol ≈ 0.100 mol. Volume = 0.250 L. Molarity = 0.100 ÷ 0.250 = 0.400 "
        "mol/L (0.400 M). In your report, state that the volume is the final solution volume in a volumetric "
        "flask, not the volume of water added.",
    ),
    d(
        "health intermediate satisfied low no",
        "How long does a tetanus shot last? I cut my hand on a rusty fence.",
        "A tetanus booster is generally recommended every 10 years, or after 5 years for a dirty or deep "
        "wound. Clean the cut well with water. If your last shot was over 5 years ago, or you don't know, see "
        "a doctor or pharmacy today; the booster works best given soon after the injury.",
        "it was 8 years ago, going to the pharmacy now. thanks!",
    ),
    d(
        "health expert neutral high no",
        "For a 70-year-old with atrial fibrillation, CHA2DS2-VASc of 4 and a prior GI bleed, how do "
        "clinicians usually think about anticoagulation?",
        "Stroke risk at a score of 4 is substantial, so anticoagulation is generally still favoured; a prior "
        "GI bleed raises bleeding risk (HAS-BLED) but is mainly a prompt to fix modifiable factors: treat the "
        "bleeding source, stop unnecessary antiplatelets and NSAIDs, add a PPI. Among DOACs, apixaban has the "
        "lowest GI bleeding rates in trials. If anticoagulation is truly contraindicated, left atrial "
        "appendage occlusion is an option. The decision is individual and made with the patient.",
    ),
    d(
        "health beginner dissatisfied low no",
        "Is it bad to crack my knuckles?",
        "Cracking knuckles can cause arthritis over time.",
        "I read the opposite, a doctor cracked one hand for 60 years and found no difference",
        "You're right, studies including that one (Unger's) found no link between knuckle cracking and "
        "arthritis. The sound is gas bubbles in the joint fluid.",
        "so why say it causes arthritis",
    ),
    d(
        "entertainment beginner neutral low no",
        "What's the order to watch the Marvel movies?",
        "Release order is simplest: start with Iron Man (2008), The Incredible Hulk, Iron Man 2, Thor, "
        "Captain America: The First Avenger, then The Avengers (2012), and continue by release date. "
        "Chronological order (starting with Captain America) works too, but release order keeps the "
        "surprises as intended.",
    ),
    d(
        "entertainment proficient satisfied high yes",
        "I run a film club. Write a 100-word intro for our screening of 'Tokyo Story' for people who've never "
        "seen Ozu.",
        "Tonight's film, Yasujirō Ozu's 'Tokyo Story' (1953), follows an elderly couple who visit their "
        "grown children in Tokyo and find them too busy to make time for them. Nothing dramatic happens, and "
        "that's the point. Ozu's camera sits low, at the height of someone kneeling on a tatami mat, and "
        "rarely moves. Let the slow rhythm settle you: the small gestures, the empty rooms between scenes, a "
        "fan moving in the heat. By the end, many viewers find it unbearably moving. Watch for Noriko, the "
        "widowed daughter-in-law, and what she gives that the children don't.",
        "Beautiful, exactly the tone for our audience. Thanks.",
    ),
    d(
        "entertainment intermediate dissatisfied low no",
        "Recommend me a song like 'Motion Sickness' by Phoebe Bridgers",
        "You might enjoy 'Shape of You' by Ed Sheeran.",
        "lmao what. those have nothing in common",
    ),
)
