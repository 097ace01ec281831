"""More everyday conversations: games, relationships, shopping, travel, food, and a few odd ones."""

from __future__ import annotations

from semtel_core.sample_data._drafts import Draft, d

DRAFTS: tuple[Draft, ...] = (
    d(
        "games intermediate satisfied low no",
        "Stardew Valley: what's the best crop to plant in summer year 1 for money?",
        "Blueberries: they regrow every 4 days after the first harvest and give several berries each time, "
        "so a single planting pays off all season. Melons are great for quality and the bundle; hops are "
        "excellent if you have kegs for pale ale.",
        "blueberries it is, thanks!",
    ),
    d(
        "games novice neutral low no",
        "what is a speedrun",
        "Finishing a video game as fast as possible, usually under rules for a category (like 'any%', "
        "reaching the end by any means). Runners use tricks and glitches and compare times on sites like "
        "speedrun.com.",
    ),
    d(
        "games proficient neutral high yes",
        "I'm designing a deck-building board game. How do I stop one strategy (buying only attack cards) from "
        "dominating?",
        "Make attacks scale worse than economy over time: give them diminishing returns (the 3rd attack card "
        "in a hand is weaker), let defense cards come with a minor economy bonus, add a victory-point source "
        "attacks can't touch, and make the attack pile itself limited. Playtest with bots that each follow one "
        "pure strategy and compare win rates; a dominant pure strategy shows up quickly.",
    ),
    d(
        "games beginner dissatisfied low no",
        "how do i beat the first boss in hollow knight, false knight",
        "Use your spells to deal damage from a distance.",
        "i don't have any spells yet, it's the first boss",
        "True, sorry. Stay close, hit him when his mace is stuck in the ground, then jump away from the "
        "shockwave. When he falls, hit his head.",
    ),
    d(
        "relationships_advice intermediate satisfied low no",
        "My 15-year-old barely talks to me anymore. How do I reconnect without being annoying?",
        "Side-by-side time works better than face-to-face talks with teens: car rides, cooking, walking the "
        "dog, a show you watch together. Ask about their interests rather than their day, listen more than "
        "you advise, and keep the door open without pushing. It's normal for this age, and it usually comes "
        "back.",
        "car rides, so true. thank you, this is reassuring",
    ),
    d(
        "relationships_advice beginner neutral low no",
        "朋友借了我两千块钱，半年了都没还，我该怎么开口？",
        "可以直接但友好地提：'最近手头有点紧，之前借你的两千块方便的话这个月还我吗？'给对方一个具体的时间，"
        "也可以提出分期。如果对方一直回避，就要考虑这段友谊和这笔钱哪个更重要。",
        locale="zh-TW",
    ),
    d(
        "relationships_advice proficient dissatisfied high no",
        "My co-founder and I disagree about raising money vs staying bootstrapped and it's getting personal. "
        "How do we resolve it?",
        "Communication is key in any partnership. Make sure you both feel heard and try to find a compromise.",
        "that's a poster, not advice. I need a process",
        "A process: each writes a one-page case for their option with the assumptions that would make it "
        "wrong; agree on a decision date and on which facts would change your minds (e.g. 12 months of "
        "runway, growth rate); bring in a trusted neutral advisor for one session. If you still disagree, "
        "decide who has the final say in this domain.",
        "ok, the written case idea is usable",
    ),
    d(
        "relationships_advice intermediate neutral low no",
        "How do I say no to being a bridesmaid without ruining the friendship? I can't afford it.",
        "Tell her soon, privately, and be honest: \"I'm so happy for you, and I'd love to be there. Being a "
        "bridesmaid isn't possible for me financially this year, and I didn't want to say yes and then let you "
        'down." Offer what you can give: helping on the day, or hosting something small.',
    ),
    d(
        "shopping proficient satisfied high no",
        "Comparing two heat pumps for a 140 m² house in a cold climate: one has SCOP 4.1 and 16 kW, the other "
        "SCOP 3.7 and 12 kW at a lower price. Heat loss calc says 9.5 kW at -15°C. Which?",
        "Check capacity at your design temperature, not nominal: many units deliver well below their "
        "rating at -15°C. If the 12 kW unit still gives ≥ 9.5 kW there, it's the better fit: oversizing causes "
        "short cycling and lowers real efficiency. The 0.4 SCOP difference is ~10% on running costs, so "
        "compare that against the price gap over 15 years.",
        "Great point about capacity at -15. The 12 kW unit gives 9.8 kW there, going with it. Thanks!",
    ),
    d(
        "shopping novice satisfied low no",
        "is it safe to buy from temu",
        "Many people order without problems, but quality varies a lot and delivery is slow. Pay with a credit "
        "card or PayPal for buyer protection, read reviews with photos, and avoid products that need safety "
        "certification, like chargers, car seats or kids' toys.",
        "good tip about the chargers, thanks",
    ),
    d(
        "shopping intermediate neutral low no",
        "Mattress: memory foam or hybrid for a side sleeper with shoulder pain?",
        "Side sleepers usually need a softer top layer so the shoulder can sink in. A hybrid with a thick "
        "comfort layer gives that plus support and runs cooler; all-foam works too if it's medium-soft. Use "
        "the trial period: most brands let you return within 100 nights.",
    ),
    d(
        "travel intermediate neutral low no",
        "Is it worth getting travel insurance for a 5-day trip to Spain from the UK?",
        "Usually yes, and it's cheap for a short trip. Your GHIC card covers state healthcare in Spain but not "
        "private care, repatriation, cancellations or lost luggage. Check if your bank account or credit card "
        "already includes travel cover.",
    ),
    d(
        "travel proficient satisfied high no",
        "Plan a 3-day itinerary in Seoul for someone who's been once before and wants less touristy stuff.",
        "Day 1: Seongsu-dong (cafés in old factories, design shops), then a walk along Seoul Forest and the "
        "Han river at sunset. Day 2: Euljiro's printing alleys and 'hipjiro' bars, Sewoon Plaza, and the "
        "Gwangjang market for bindaetteok. Day 3: hike Inwangsan for the view, then Seochon's small galleries "
        "and a traditional tea house. Evening in Mangwon market and Yeonnam-dong.",
        "Euljiro and Inwangsan sound perfect. Thanks, great list!",
    ),
    d(
        "travel novice dissatisfied low no",
        "cheapest way to get from paris to london",
        "The Eurostar is the fastest option, taking about 2 hours 20 minutes.",
        "i asked cheapest not fastest",
        "Usually an overnight or day bus (FlixBus or BlaBlaCar Bus), often from 20–40 EUR if booked early.",
        "ok",
    ),
    d(
        "food_cooking intermediate satisfied low no",
        "Meal prep ideas for a week of lunches that reheat well and aren't boring?",
        "Try three bases you rotate: a chickpea and sweet potato curry, a chili with black beans, and a "
        "baked pasta with spinach and ricotta. Add variety with toppings at lunch: yogurt and herbs, pickled "
        "onions, a squeeze of lime. Grain bowls with roasted vegetables and a jar of dressing on the side "
        "also keep well for 4 days.",
        "the topping idea is smart, thanks!",
    ),
    d(
        "food_cooking beginner neutral low no",
        "Comment faire une vraie vinaigrette ?",
        "La base : 3 volumes d'huile pour 1 volume de vinaigre. Mélangez d'abord le vinaigre, le sel, le "
        "poivre et une cuillère de moutarde, puis ajoutez l'huile en fouettant. Ajoutez une échalote "
        "hachée si vous aimez.",
        locale="fr-BE",
    ),
    d(
        "food_cooking expert dissatisfied high no",
        "For a naturally leavened pizza dough at 65% hydration, what's the max ferment at 4°C before gluten "
        "degradation gets noticeable with a 20% levain?",
        "You can ferment pizza dough in the fridge for up to 72 hours.",
        "with 20% levain, which is a lot of acid and protease activity? that's a generic answer",
        "With that much levain, 24–36 hours is a safer ceiling at 4°C; beyond that, acidity and protease "
        "activity soften the gluten. Cut levain to 5–10% if you want 48–72 hours.",
        "plausible, but I had to drag it out",
    ),
    d(
        "food_cooking intermediate satisfied high yes",
        "I'm catering my daughter's graduation party for 40 people. Vegetarian-friendly buffet, make me a menu "
        "and quantities.",
        "Menu: Mediterranean mezze (hummus 2 kg, baba ganoush 1 kg, 6 packs of pita), a big orzo salad with "
        "feta and roasted vegetables (1.5 kg dry orzo), a tray of spinach and ricotta lasagna (2 large trays), "
        "grilled chicken skewers for meat eaters (3 kg thigh), green salad (4 heads of lettuce), and a fruit "
        "platter plus a sheet cake. Rule of thumb: about 450 g of food per person in total for a main-meal "
        "buffet.",
        "This is so helpful, thank you! The quantities save me a lot of stress.",
    ),
    d(
        "other intermediate neutral low no",
        "What's the best way to remove a red wine stain from a carpet?",
        "Blot (don't rub) with a clean cloth, then pour a little cold water and blot again. Mix one "
        "tablespoon of dish soap and one of white vinegar in two cups of warm water, apply and blot until it "
        "lifts. Test on a hidden spot first.",
    ),
    d(
        "other novice satisfied low no",
        "How do I get my houseplant to stop dying, it's a pothos and the leaves are yellow",
        "Yellow leaves on a pothos usually mean too much water. Let the top few centimetres of soil dry out "
        "before watering, make sure the pot has drainage holes, and keep it in bright, indirect light.",
        "I've been watering it every day oops. thanks!",
    ),
    d(
        "other proficient satisfied high no",
        "Explain the trolley problem variants and what they're supposed to show, briefly.",
        "Classic: divert a trolley to kill one instead of five; most say yes. Footbridge: push a man off a "
        "bridge to stop the trolley; most say no, although the numbers are the same. The contrast is used to "
        "probe the difference between killing and letting die, and between harm as a means versus a side "
        "effect (the doctrine of double effect). The loop variant, where the one person's body stops the "
        "trolley, tests whether 'using' someone is really what matters.",
        "The loop variant was the one I was missing. Thanks!",
    ),
    d(
        "other beginner neutral low no",
        "write me a grocery list",
    ),
    d(
        "technology_support beginner satisfied low no",
        "My friend Ana Souza sent a wedding invite link to ana.souza.88@example.com.br and says I should "
        "call her on +55 11 91234-5678 if it doesn't open. The link opens a blank page on my phone.",
        "Try opening the link in a different browser (Chrome instead of the in-app browser), or long-press "
        "and choose 'Open in browser'. Many invitation sites don't work inside email or messaging apps. If it's "
        "still blank, try on a computer.",
        "opening in chrome worked, thank you!",
        pii="person email phone",
    ),
    d(
        "writing beginner dissatisfied low yes",
        "Write a complaint to the store: my sofa was delivered damaged. Order 77-31902, delivered to 14 "
        "Harbour Street, Flat 2, Leith, EH6 6JJ. Contact me at 07700 900123 or grace.mcallister@example.co.uk.",
        "Dear Customer Services,\n\nI'm writing about order 77-31902, delivered to 14 Harbour Street, Flat 2, "
        "Leith, EH6 6JJ. The sofa arrived damaged. Please arrange a replacement or refund.\n\nYou can reach "
        "me on 07700 900123 or at grace.mcallister@example.co.uk.\n\nRegards,\nGrace McAllister",
        "you didn't even mention what the damage is or when it was delivered, I told you it's a torn arm",
        'Sorry. Added: "It was delivered on 27 October with a 10 cm tear in the fabric of the left arm; photos '
        'are attached."',
        "I never told you the date or which arm. stop making things up",
        locale="en-GB",
        pii="person address phone email",
    ),
    d(
        "technology_support intermediate neutral low no",
        "Can't SSH into my VPS at 198.51.100.77 anymore, 'Connection timed out'. Web server on it still works.",
        "If HTTP works but SSH times out, a firewall is dropping port 22: check your provider's firewall panel "
        "and the server's ufw/iptables rules via the web console, or fail2ban may have banned your IP after "
        "failed logins (fail2ban-client status sshd). Also confirm your home IP didn't change if you "
        "allow-listed it.",
        pii="ip",
    ),
)
