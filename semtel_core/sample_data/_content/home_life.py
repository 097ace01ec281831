"""Food and cooking, relationships advice and shopping conversations."""

from __future__ import annotations

from semtel_core.sample_data._drafts import Draft, d

DRAFTS: tuple[Draft, ...] = (
    d(
        "food_cooking novice satisfied low no",
        "how long do i boil an egg for a runny yolk",
        "Lower the egg into already boiling water and cook it for 6 minutes for a runny yolk with set whites, "
        "then put it in cold water for a minute so it stops cooking and peels easily.",
        "6 minutes was perfect, thank you!",
    ),
    d(
        "food_cooking intermediate neutral low no",
        "What can I make for dinner with chicken thighs, a can of coconut milk, spinach and rice?",
        "A quick coconut chicken curry: brown the thighs in pieces, add onion, garlic, ginger and a "
        "tablespoon of curry paste or powder, pour in the coconut milk and simmer 15 minutes. Stir in the "
        "spinach at the end until wilted, season with lime and salt, and serve over rice.",
    ),
    d(
        "food_cooking beginner dissatisfied low no",
        "my bread came out super dense, what did i do wrong",
        "Dense bread is often caused by not enough kneading or proofing.",
        "ok but which one? I proofed 2 hours and kneaded 10 min",
        "Then check the yeast: if it's old, or the water was too hot (above ~45°C), it may have died. Test it "
        "in warm water with a pinch of sugar; it should foam within 10 minutes.",
        "the yeast was fine. you're just guessing",
    ),
    d(
        "food_cooking proficient satisfied high no",
        "I want to make a classic French cassoulet for 10 people this weekend. Walk me through a 2-day "
        "schedule.",
        "Day 1 morning: soak 1.2 kg tarbais or cannellini beans. Afternoon: confit duck legs (or use "
        "store-bought), brown pork shoulder and Toulouse sausages, cook the beans gently with pork rind, "
        "onion, garlic and a bouquet garni until just tender. Evening: assemble in layers in a wide earthenware "
        "dish, add bean liquid to just cover, and refrigerate. Day 2: bake at 150°C for about 3 hours, "
        "breaking the crust and pushing it under several times (tradition says seven), adding liquid when "
        "needed. Rest 20 minutes before serving.",
        "Made it, everyone loved it. The 2-day split made it stress-free. Thanks!",
    ),
    d(
        "food_cooking expert neutral high no",
        "For a sous-vide pork shoulder, 24h at 63°C vs 36h at 58°C: what textural differences should I expect?",
        "At 63°C the collagen converts faster, so after 24h you get a shreddable, pulled texture with some "
        "moisture loss as muscle fibres contract more. At 58°C over 36h the collagen still softens but fibres "
        "shrink less: sliceable, juicier and more like a tender roast. For slicing, go lower and longer; for "
        "pulled pork, go higher.",
    ),
    d(
        "food_cooking intermediate satisfied low no",
        "Receta fácil de tortilla de patatas para 4, ¿con cebolla o sin cebolla?",
        "Con cebolla queda más jugosa (aunque es un debate eterno). Pela y corta 600 g de patatas en láminas "
        "finas y una cebolla en juliana; confítalas en abundante aceite a fuego medio unos 20 minutos sin que "
        "se doren. Escúrrelas, mézclalas con 6 huevos batidos y sal, deja reposar 5 minutos y cuaja en la "
        "sartén, dándole la vuelta con un plato.",
        "¡Salió buenísima, gracias!",
        locale="es-ES",
    ),
    d(
        "food_cooking beginner neutral low no",
        "可以用电饭煲做蛋糕吗？",
        "可以。把鸡蛋、糖、面粉、牛奶和少量油做成面糊，倒入抹了油的内胆，按“煮饭”键，跳到保温后再焖二十分钟，"
        "用筷子插一下，没有湿面糊就熟了。不同电饭煲差别较大，第一次要多观察。",
        locale="zh-CN",
    ),
    d(
        "food_cooking novice neutral low no",
        "is it safe to eat rice that was left out overnight",
        "It's not recommended. Cooked rice can carry spores of Bacillus cereus that survive cooking and, at "
        "room temperature, produce toxins that reheating doesn't destroy. Cool leftover rice quickly and "
        "refrigerate it within about an hour.",
    ),
    d(
        "food_cooking intermediate satisfied low yes",
        "Turn this into a shopping list grouped by store section: lasagna for 6, a green salad, garlic bread, "
        "and tiramisu.",
        "Produce: onion, garlic (2 heads), carrot, celery, lettuce, cucumber, cherry tomatoes, fresh basil.\n"
        "Meat: 800 g minced beef (or beef and pork).\nDairy: 1 L milk, butter, 500 g mascarpone, parmesan, "
        "mozzarella, 6 eggs.\nBakery: 1 baguette, savoiardi (ladyfingers).\nPantry: lasagna sheets, 2 cans "
        "crushed tomatoes, tomato paste, flour, olive oil, sugar, cocoa powder, espresso, balsamic vinegar.",
        "so handy, thanks!",
    ),
    d(
        "food_cooking proficient dissatisfied low no",
        "Conversion: 250 g of all-purpose flour to cups?",
        "250 g of all-purpose flour is about 1 cup.",
        "a cup of flour is ~120-125 g. so 250 g is 2 cups. this would have wrecked my cake",
        "You're right, about 2 cups (spooned and levelled). Apologies.",
    ),
    d(
        "relationships_advice beginner neutral low no",
        "my best friend hasn't texted me back in a week and i saw her posting on instagram. should i be worried",
        "It stings, but it often isn't about you: people post quickly on social media while putting off "
        "replies that need energy. Send a light, low-pressure message, like 'Hey, miss you, coffee this "
        "week?'. If the distance continues, it's fair to ask kindly whether everything is okay between you.",
    ),
    d(
        "relationships_advice intermediate satisfied high no",
        "My partner and I keep arguing about chores. I feel like I do everything and he says I'm exaggerating. "
        "How do we stop fighting about it?",
        "Replace impressions with a shared picture: for a week, both write down every household task you do, "
        "including the invisible ones (planning meals, remembering birthdays). Then sit down at a calm moment, "
        "not mid-argument, and divide tasks by ownership, not 'helping': each person fully owns some areas, "
        "including the planning. Schedule a short check-in every couple of weeks to adjust.",
        "The invisible-tasks list was eye-opening for both of us. Thank you, we actually talked calmly.",
    ),
    d(
        "relationships_advice novice dissatisfied low no",
        "how do i get my ex back",
        "Focus on yourself and give it time. If it's meant to be, it will happen.",
        "that's a fortune cookie, not advice",
    ),
    d(
        "relationships_advice proficient neutral high no",
        "As a manager I have two reports who openly dislike each other and it's affecting the team. I've "
        "already done separate 1:1s. Next step?",
        "Move from feelings to working agreements: meet them together with a narrow agenda, the specific "
        "behaviours affecting the team (missed handoffs, comments in meetings), and agree on explicit norms "
        "and a follow-up date. You don't need them to like each other, only to work professionally. If one "
        "side's behaviour is the main problem, handle it as a performance issue with that person.",
    ),
    d(
        "relationships_advice intermediate satisfied low no",
        "Mi suegra viene a vivir con nosotros tres meses. ¿Cómo pongo límites sin que se ofenda?",
        "Hablad antes de que llegue, tú y tu pareja juntos, para acordar las normas de la casa. Plantéalo en "
        "positivo: «queremos que estés cómoda, y a nosotros nos ayuda tener estas rutinas». Reservad "
        "momentos propios (una cena a la semana solos) y que sea tu pareja quien hable con su madre cuando "
        "haya roces.",
        "Lo de que hable mi pareja es clave. ¡Gracias!",
        locale="es-CO",
    ),
    d(
        "relationships_advice beginner satisfied low no",
        "what's a good first date idea that isn't just dinner",
        "Something with a shared activity takes pressure off conversation: a food market, mini golf, a "
        "pottery or cooking class, a walk with a coffee, or a trivia night. Keep it short (1–2 hours) so it "
        "can be extended if it's going well.",
        "trivia night is a great idea, thanks!",
    ),
    d(
        "relationships_advice intermediate neutral high no",
        "Mein Vater (78) will nicht mehr Auto fahren lassen, obwohl er schon zweimal gegen Pfosten gefahren "
        "ist. Wie spreche ich das an?",
        "Sprechen Sie in Ruhe und mit Respekt, nicht nach einem Vorfall. Betonen Sie seine Sicherheit und die "
        "anderer, nicht sein Alter. Schlagen Sie eine neutrale Instanz vor: eine freiwillige Fahrprobe bei "
        "einer Fahrschule oder ein Gespräch mit dem Hausarzt. Überlegen Sie gemeinsam, wie er mobil bleibt "
        "(Taxi-Budget, Fahrdienste, feste Fahrten mit der Familie).",
        locale="de-DE",
    ),
    d(
        "shopping novice neutral low no",
        "is it worth buying an air fryer",
        "If you often cook frozen foods, roast vegetables or reheat leftovers, yes: it's faster than an oven "
        "and makes things crisp with little oil. If you rarely cook those, it's another appliance on the "
        "counter. A 4–5 litre basket suits 2–3 people.",
    ),
    d(
        "shopping intermediate satisfied high no",
        "Help me choose a laptop for university, budget 900 USD, mostly writing, some Python, and I want long "
        "battery life.",
        "A MacBook Air M2 or M3 (often on education discount near your budget) gives 15+ hours of battery and "
        "runs Python well. On Windows, look for a Ryzen 7 or Core Ultra laptop with 16 GB RAM and a 512 GB SSD, "
        "such as the ASUS Zenbook 14 or Lenovo Yoga Slim 7. Avoid 8 GB RAM if you plan to keep it four years.",
        "Got the Air on the student discount, thanks for the tip!",
    ),
    d(
        "shopping proficient dissatisfied high no",
        "I need a mirrorless camera body under 2000 EUR for wildlife, fast autofocus with animal eye tracking, "
        "good with long lenses.",
        "The Sony ZV-E10 is an excellent choice with great autofocus.",
        "that's a vlogging camera with no viewfinder. for wildlife?",
        "Fair. Better fits: Canon R7 (APS-C crop for reach, animal AF, 15 fps mechanical), OM System OM-1 "
        "(light lenses, great stabilization), or a used Sony A9. With a crop sensor, your lenses reach further.",
        "R7 is reasonable, but the first suggestion was way off",
    ),
    d(
        "shopping beginner satisfied low no",
        "Quel est le meilleur moment pour acheter une télé, le Black Friday vaut vraiment le coup ?",
        "Souvent oui pour les modèles de l'année, qui baissent avant l'arrivée des nouveaux au printemps. "
        "Attention aux modèles fabriqués spécialement pour le Black Friday, moins bien équipés. Comparez le "
        "prix sur un historique (par exemple avec un suivi de prix) pour vérifier que la promo est réelle.",
        "Merci, je vais suivre les prix dès maintenant.",
        locale="fr-FR",
    ),
    d(
        "shopping intermediate neutral low no",
        "I ordered a jacket from an online store and it came in the wrong size. They want me to pay for return "
        "shipping. Is that normal?",
        "Many stores charge for returns, but if they sent the wrong size, that's their error and they should "
        "cover return shipping. Reply with your order number and a photo of the label, and ask for a prepaid "
        "return label. If you paid by card, a chargeback is a last resort.",
    ),
    d(
        "shopping beginner dissatisfied low no",
        "which running shoes are best",
        "The best running shoes are those that fit you well and feel comfortable.",
        "wow thanks, really helpful",
    ),
    d(
        "shopping intermediate satisfied low no",
        "Preciso comprar um presente de até 150 reais para meu sogro que gosta de churrasco.",
        "Algumas ideias: um kit de facas de churrasco, um termômetro digital para carnes, uma tábua de corte "
        "grande de madeira, um avental personalizado ou um sal de parrilla especial com chimichurri. O "
        "termômetro costuma ser o mais útil.",
        "O termômetro é uma ótima ideia, obrigado!",
        locale="pt-BR",
    ),
)
