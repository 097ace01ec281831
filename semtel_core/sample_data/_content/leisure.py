"""Travel, entertainment and games conversations."""

from __future__ import annotations

from semtel_core.sample_data._drafts import Draft, d

DRAFTS: tuple[Draft, ...] = (
    d(
        "travel beginner satisfied high no",
        "Plan 4 days in Lisbon for two people in late October, we like food and walking, not museums much.",
        "Day 1: Alfama and Graça, miradouros at sunset, dinner at a tasca with grilled sardines.\nDay 2: "
        "Belém by tram 15 (pastéis de Belém early to beat the queue), walk the riverfront to LX Factory.\n"
        "Day 3: day trip to Sintra, hike up to the Moorish Castle instead of queuing for buses.\nDay 4: Time "
        "Out Market for lunch, Príncipe Real and Bairro Alto in the evening. Bring comfortable shoes; the hills "
        "and cobbles are steep and slippery when wet.",
        "This is perfect for us, thank you!!",
    ),
    d(
        "travel novice neutral low no",
        "do i need a visa to go to japan from the us",
        "US citizens can visit Japan visa-free for up to 90 days for tourism. You need a passport valid for "
        "your whole stay. Rules change, so check the Japanese embassy or your government's travel site "
        "before booking.",
    ),
    d(
        "travel intermediate dissatisfied high no",
        "My flight from Frankfurt to Toronto was cancelled and the airline rebooked me 2 days later. What are "
        "my rights?",
        "You may be entitled to compensation. Contact the airline for details.",
        "obviously. under EU261 how much and what about the hotel",
        "Under EU261, for a flight departing the EU over 3,500 km, compensation is 600 EUR unless the "
        "cancellation was due to extraordinary circumstances, and the airline must provide meals and hotel "
        "accommodation while you wait for the rebooked flight. You can also choose a refund instead of "
        "rebooking.",
        "the second answer was what I needed; the first was a waste",
    ),
    d(
        "travel proficient neutral high no",
        "Best way to get from Kyoto to Hiroshima and also see Himeji castle on the way, with a 7-day JR pass?",
        "Take the Hikari or Sakura Shinkansen (Nozomi and Mizuho aren't covered by the standard pass) from "
        "Kyoto to Himeji, about 55 minutes. Leave luggage in the station lockers, walk 15 minutes to the "
        "castle, and allow 2–3 hours. Continue to Hiroshima by Shinkansen, about an hour. Starting early gets "
        "you to Hiroshima by mid-afternoon.",
    ),
    d(
        "travel beginner satisfied low no",
        "What should I pack for a week in Iceland in November?",
        "Layers: thermal base layers, a fleece or wool mid-layer, a waterproof and windproof shell (jacket and "
        "trousers), warm hat, gloves, scarf, and waterproof hiking boots with good grip; microspikes help on "
        "icy paths. Add a swimsuit for the hot springs and a headlamp, since days are short.",
        "forgot about the swimsuit, thanks!",
    ),
    d(
        "travel intermediate satisfied high no",
        "Quero fazer uma viagem de 10 dias pelo norte de Portugal de carro. Sugere um roteiro?",
        "Dia 1–2: Porto (Ribeira, caves de Gaia). Dia 3: Guimarães e Braga. Dia 4–5: Parque Nacional da "
        "Peneda-Gerês, com trilhos e cascatas. Dia 6: Viana do Castelo e a costa. Dia 7–8: Vale do Douro, "
        "com quintas e o comboio ao longo do rio entre Régua e Pinhão. Dia 9: Amarante. Dia 10: regresso ao "
        "Porto. Reserve as quintas do Douro com antecedência na época das vindimas.",
        "Roteiro ótimo, obrigado!",
        locale="pt-PT",
    ),
    d(
        "travel expert neutral high no",
        "I'm doing the Haute Route Chamonix–Zermatt on skis in April. Any thoughts on acclimatisation and the "
        "Pigne d'Arolla day?",
        "Spend two or three days before the start skiing high in Chamonix (e.g. Grands Montets) and sleep "
        "as high as practical. The Vignettes to Zermatt day over the Pigne d'Arolla and Col de l'Évêque is "
        "the longest and most committing; leave at first light, and have a bail-out plan to Arolla if the "
        "weather turns, since navigation on the glacier in whiteout is the main hazard.",
    ),
    d(
        "travel beginner neutral low no",
        "¿Qué barrio de Ciudad de México es más seguro para hospedarse?",
        "Roma Norte, Condesa y Polanco son zonas populares y consideradas relativamente seguras para turistas, "
        "con muchos restaurantes y buen acceso a transporte. Como en cualquier ciudad grande, usa taxis de "
        "aplicación por la noche y cuida tus pertenencias en el metro.",
        locale="es-MX",
    ),
    d(
        "entertainment novice neutral low no",
        "what should i watch tonight, i like funny shows",
        "A few easy-to-start comedies: Brooklyn Nine-Nine (cop sitcom), Schitt's Creek (family loses their "
        "fortune), Ted Lasso (feel-good football), What We Do in the Shadows (vampire roommates). If you want "
        "something short, try an episode of Abbott Elementary.",
    ),
    d(
        "entertainment intermediate satisfied low no",
        "I loved 'The Name of the Wind' and 'Mistborn'. What fantasy should I read next?",
        "Try 'The Lies of Locke Lamora' (clever heist fantasy), 'The Fifth Season' (inventive world, superb "
        "structure), 'Piranesi' (short and strange), or 'The Blade Itself' if you want something grittier. "
        "'Lies' is closest to Kvothe's voice and Mistborn's plotting.",
        "Starting Locke Lamora, thanks for the great recs!",
    ),
    d(
        "entertainment proficient dissatisfied low no",
        "Who directed the 1997 film 'Cure'?",
        "'Cure' (1997) was directed by Takashi Miike.",
        "no, it's Kiyoshi Kurosawa. Miike did Audition.",
        "You're right, Kiyoshi Kurosawa directed Cure. My mistake.",
        "pretty famous film to get wrong",
    ),
    d(
        "entertainment beginner satisfied low no",
        "is the harry potter movie series worth watching if I never read the books",
        "Yes, the films work on their own. The first two are lighter and aimed at kids; from the third "
        "(Prisoner of Azkaban) they get darker and more cinematic. Some details are clearer in the books, but "
        "you won't be lost.",
        "cool, gonna binge them this weekend, thanks",
    ),
    d(
        "entertainment intermediate neutral high yes",
        "Write a 150-word review of a concert I went to: Radiohead tribute band, small club, great guitarist, "
        "bad sound mix, crowd loved 'Paranoid Android'.",
        "In a packed small club on Friday, a Radiohead tribute act proved that the songs survive even a "
        "muddy mix. The rhythm section was often buried and the vocals harsh in the upper range, but the lead "
        "guitarist was a revelation, recreating Jonny Greenwood's jagged lines with precision and a little "
        "swagger of his own. The set leaned on OK Computer, and the room came alive for 'Paranoid Android', "
        "with the crowd shouting every word of the 'rain down' section. Quieter songs suffered more from the "
        "sound, with 'Exit Music' losing its fragility. Still, for a few hours the band captured what makes "
        "these songs endure: tension, release, and a crowd willing to go along. Worth seeing, ideally in a "
        "room with a better sound engineer.",
    ),
    d(
        "entertainment novice neutral low no",
        "おすすめのアニメを教えてください。あまり長くないものがいいです。",
        "短めでおすすめなのは、「四月は君の嘘」（22話、音楽と青春）、「サマータイムレンダ」（25話、ミステリー）、"
        "「モブサイコ100」（1期12話、アクションとコメディ）、映画なら「君の名は。」です。",
        locale="ja-JP",
    ),
    d(
        "entertainment intermediate satisfied low no",
        "Quels sont de bons podcasts en français sur l'histoire ?",
        "« Les Enjeux internationaux » pour l'actualité, mais pour l'histoire : « Affaires sensibles » (France "
        "Inter), « Le Cours de l'histoire » (France Culture), « Au cœur de l'histoire » (Europe 1) et, plus "
        "léger, « Timeline » de Florent Pierret.",
        "Super, je commence par Affaires sensibles. Merci !",
        locale="fr-CA",
    ),
    d(
        "games beginner satisfied low no",
        "in minecraft how do i stop creepers from blowing up my house",
        "Light everything up: mobs don't spawn on blocks with light level above 0, so place torches inside "
        "and around your base. Build a wall or fence around it, and keep a cat, since creepers avoid cats.",
        "the cat thing is genius lol thanks",
    ),
    d(
        "games intermediate neutral high no",
        "In chess, what's the idea behind the Queen's Gambit Declined? I always get a passive position.",
        "Black keeps the d5 pawn and a solid center, accepts less space, and aims to free the position with "
        "...c5 or ...e5 at the right moment. Passivity comes from delaying those breaks. Study the "
        "Lasker variation (...Ne4 to trade pieces) and the Tartakower; and resolve the light-squared bishop "
        "early, often via ...b6 and ...Bb7.",
    ),
    d(
        "games expert dissatisfied high no",
        "In Go, how should White handle the 3-3 invasion under a 4-4 stone when Black has a ladder-breaker "
        "nearby?",
        "The 3-3 invasion is a good move for White in most positions and gives a secure group.",
        "that's generic. I asked about the ladder breaker changing the hane sequence",
        "With a ladder breaker, the standard hane at the 2-2 line lets the invader cut and escape, so Black "
        "should block on the side where the breaker doesn't help and accept a smaller wall.",
        "that's vague again. I'll look at game records instead",
    ),
    d(
        "games novice neutral low no",
        "what's a good board game for a family with kids age 6 and 10",
        "Ticket to Ride: First Journey (easy rules, 6+), Kingdomino (quick, 8+ but fine at 6 with help), "
        "Sushi Go (card drafting, fast), and Outfoxed (cooperative, 5+), where everyone wins or loses together.",
    ),
    d(
        "games proficient satisfied high no",
        "Elden Ring: strength build at level 120, what's a good weapon and talisman setup for PvE?",
        "A Greatsword or Giant-Crusher with a Heavy or Cold infusion, two-handed, with Lion's Claw or Stamp "
        "(Upward Cut). Talismans: Great-Jar's Arsenal if you wear heavy armour, Claw Talisman for jump "
        "attacks, Shard of Alexander for skills, and Dragoncrest Greatshield for bosses. Keep Vigor near 60.",
        "Claw talisman with jump attacks is wrecking everything. Thanks!",
    ),
    d(
        "games intermediate dissatisfied low no",
        "what's the max level in pokemon",
        "The maximum level in Pokémon games is 99.",
        "it's 100. everyone knows that",
    ),
    d(
        "games beginner satisfied low no",
        "Ich fange mit Dungeons & Dragons an und soll einen Charakter machen. Welche Klasse ist einfach für "
        "Anfänger?",
        "Kämpfer oder Barbar sind am einfachsten: wenige Sonderregeln, viele Trefferpunkte, klare Aufgaben. "
        "Wer Magie möchte, nimmt am besten einen Kleriker, der heilen und kämpfen kann und etwas Spielraum "
        "für Fehler lässt.",
        "Super, ich nehme einen Zwergen-Kleriker. Danke!",
        locale="de-AT",
    ),
)
