"""Long working sessions: many turns, iterating on one artifact or problem."""

from __future__ import annotations

from semtel_core.sample_data._drafts import Draft, d

_NGINX_LOG = """2026/10/14 09:12:44 [error] 2211#2211: *88213 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 203.0.113.54, server: shop.example.com, request: "POST /api/checkout HTTP/2.0", upstream: "http://127.0.0.1:8081/api/checkout", host: "shop.example.com"
2026/10/14 09:12:51 [error] 2211#2211: *88240 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 198.51.100.23, server: shop.example.com, request: "POST /api/checkout HTTP/2.0", upstream: "http://127.0.0.1:8081/api/checkout", host: "shop.example.com"
2026/10/14 09:13:02 [warn] 2211#2211: *88302 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/4/19/0000000194 while reading upstream, client: 203.0.113.54, server: shop.example.com, request: "GET /api/catalog?page=12 HTTP/2.0"
2026/10/14 09:13:40 [error] 2211#2211: *88391 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 192.0.2.141, server: shop.example.com, request: "POST /api/checkout HTTP/2.0", upstream: "http://127.0.0.1:8081/api/checkout", host: "shop.example.com\""""

_SLOW_FUNCTION = """def find_duplicates(records):
    duplicates = []
    for i in range(len(records)):
        for j in range(i + 1, len(records)):
            if records[i]["email"].strip().lower() == records[j]["email"].strip().lower():
                if records[i] not in duplicates:
                    duplicates.append(records[i])
                if records[j] not in duplicates:
                    duplicates.append(records[j])
    return duplicates"""

DRAFTS: tuple[Draft, ...] = (
    d(
        "technology_support proficient satisfied high no",
        "Checkout on our shop started timing out this morning. nginx error log:\n\n" + _NGINX_LOG,
        "Only POST /api/checkout times out at the upstream on port 8081, with nginx's default 60s read "
        "timeout. The catalog warning is harmless (large responses buffered to disk). So the checkout backend "
        "is slow or stuck, not nginx. What does the backend log show around 09:12, and does it call an "
        "external payment provider?",
        "It calls the payment provider. Backend logs show 'waiting for connection from pool' before each "
        "timeout.",
        "That points to pool exhaustion: requests wait for an HTTP connection to the provider, not for the "
        "provider itself. Check the pool size of the HTTP client and whether responses are always closed; a "
        "code path that doesn't release connections leaks them until the pool is empty.",
        "Found it: the retry path on a 402 never closed the response. Deployed a fix, pool usage is flat now.",
        "Good find. Add a metric for pool wait time and alert on it, and set an explicit connect/read timeout "
        "on the provider client shorter than nginx's, so you fail fast with a clear error.",
        "Done both. Thanks, this was a great session.",
        pii="ip",
    ),
    d(
        "coding intermediate satisfied high yes",
        "This dedupe function takes forever on 200k records. Can you speed it up?\n\n" + _SLOW_FUNCTION,
        "It compares every pair, which is O(n²): about 20 billion comparisons for 200k records, and "
        "`records[i] not in duplicates` adds another linear scan. Group by the normalized email in one pass:"
        "\n\nfrom collections import defaultdict\n\ndef find_duplicates(records):\n    groups = defaultdict("
        'list)\n    for r in records:\n        groups[r["email"].strip().lower()].append(r)\n    return [r for g '
        "in groups.values() if len(g) > 1 for r in g]",
        "wow, from 40 minutes to under a second. but the order is different from before, does that matter?",
        "The old function returned records in order of first appearance in a duplicate pair; the new one "
        "groups them by email, in order of first appearance of each email. If you need the original order, "
        "collect the duplicate keys first and then filter: keys = {k for k, g in groups.items() if len(g) > 1}; "
        'return [r for r in records if r["email"].strip().lower() in keys].',
        "grouped is actually better for the report. one more thing, some emails have dots in gmail addresses, "
        "like john.smith vs johnsmith, can we treat those as the same?",
        "Yes, Gmail ignores dots and anything after a '+' in the local part. Add a normalizer:\n\ndef "
        'normalize(email):\n    local, _, domain = email.strip().lower().partition("@")\n    local = local.'
        'split("+", 1)[0]\n    if domain in {"gmail.com", "googlemail.com"}:\n        local = local.'
        'replace(".", "")\n        domain = "gmail.com"\n    return f"{local}@{domain}"\n\nOnly apply the dot '
        "rule to Gmail; other providers treat dots as significant.",
        "Perfect, that's exactly what I needed. Thanks!",
    ),
    d(
        "writing proficient satisfied high yes",
        "I need to write a quarterly update for our board. Revenue 3.2M (+18% QoQ), burn 900k/month, 14 "
        "months runway, lost one enterprise client (Halden Group, 6% of ARR), hired a VP Sales. Can you draft "
        "it?",
        "Q3 Board Update\n\nHeadline: revenue grew 18% QoQ to 3.2M; runway is 14 months at 900k monthly burn.\n"
        "\nWins: new VP Sales started in September and is rebuilding the enterprise pipeline.\n\nSetbacks: "
        "Halden Group (6% of ARR) churned. Root cause and actions below.\n\nAsks: introductions to enterprise "
        "logistics buyers.",
        "Good start. The board will ask about Halden first, so lead with it honestly instead of hiding it in "
        "setbacks.",
        'Reordered: "Halden Group, 6% of ARR, did not renew at the end of Q3. They consolidated vendors after '
        "an acquisition; our product gaps in multi-entity reporting made us the easier cut. We are shipping "
        "multi-entity reporting in Q4 and have reviewed our other top 10 accounts for similar risk: two are "
        'exposed, with renewal plans in place." Then growth, runway, hiring and asks.',
        "Much better. Can you add one line on what runway looks like if we cut burn 10%?",
        '"At 810k monthly burn, runway extends to about 15.5 months; we will decide on this in December, '
        'after Q4 pipeline is clearer."',
        "Great, this is ready to send. Thanks!",
    ),
    d(
        "data_analysis intermediate dissatisfied high yes",
        "I have a table of website sessions with columns session_id, user_id, started_at, pages_viewed, "
        "converted. Write SQL for conversion rate by week.",
        "SELECT date_trunc('week', started_at) AS week, AVG(converted) AS conversion_rate FROM sessions GROUP BY "
        "1 ORDER BY 1;",
        "converted is a boolean, AVG fails in postgres",
        "Use AVG(converted::int) or COUNT(*) FILTER (WHERE converted) * 1.0 / COUNT(*).",
        "ok that runs. but I need it per USER not per session, a user with 5 sessions counts once",
        "Then aggregate per user and week first: WITH uw AS (SELECT date_trunc('week', started_at) AS week, "
        "user_id, bool_or(converted) AS converted FROM sessions GROUP BY 1, 2) SELECT week, "
        "AVG(converted::int) AS user_conversion_rate FROM uw GROUP BY 1 ORDER BY 1;",
        "and weeks should start on sunday for our team",
        "date_trunc uses ISO weeks (Monday). Shift by a day: date_trunc('week', started_at + interval '1 "
        "day') - interval '1 day'.",
        "finally. that took four rounds for a basic report",
    ),
    d(
        "travel intermediate satisfied high no",
        "We're a family of 4 (kids 7 and 11) going to Rome for 5 days in late October. Help me plan.",
        "Sketch: Day 1 Colosseum and Forum (book a timed ticket with the kids' tour, it keeps them engaged), "
        "Day 2 Vatican Museums early and St Peter's, Day 3 Trastevere and a pizza-making class, Day 4 day trip "
        "to Ostia Antica (ruins kids can climb around), Day 5 Borghese gardens with bikes and a relaxed last "
        "evening. Want me to add restaurants?",
        "Yes please, and my 7 year old gets tired, so fewer hours of walking.",
        "Then plan mornings for sights and afternoons for rest or parks: Borghese Gardens (rent a rickshaw "
        "bike), the Explora children's museum, gelato stops as motivation. Use taxis or buses between areas. "
        "Restaurants: Pizzeria da Remo in Testaccio (casual, loud, kids welcome), Da Enzo al 29 in Trastevere "
        "(book), and Supplizio for quick fried supplì.",
        "Is the Vatican too much for the 7 year old?",
        "It can be: the museums are huge and crowded. Book the earliest slot, go straight to a few "
        "highlights (the map room, the Sistine Chapel), and keep it to 2 hours. A kids' scavenger-hunt tour "
        "works well, or one parent does it with the 11-year-old while the other goes to the gardens.",
        "Splitting up for the Vatican is smart. Thank you, this really helps!",
    ),
    d(
        "creative_writing intermediate satisfied high no",
        "I'm running a D&D one-shot for friends on Friday. Help me make a short mystery set in a lighthouse.",
        "Premise: the keeper of Greywatch Light vanished three nights ago and the lamp still lights itself "
        "every dusk. Clues: wet footprints that lead up the stairs but never down; a logbook whose last entries "
        "are in a different hand; a drowned ship's bell in the cellar. Twist: the keeper made a bargain with a "
        "sea hag to bring his drowned daughter back, and the 'daughter' now tends the light.",
        "love it! can you give me the sea hag's stat tweaks and a final encounter?",
        "Use the standard sea hag with +20 HP and a lair action: on initiative 20 the tide rises, and "
        "creatures on the lowest floor make a DC 12 Strength save or are knocked prone. Final encounter at the "
        "lamp room: the 'daughter' begs the players not to break the bargain. If they destroy the hag's eye "
        "(hidden in the lamp's lens) she dies, but so does the illusion.",
        "and a way for the party to resolve it without a fight?",
        "Let them renegotiate: the hag wants the keeper's memories of his daughter, not his life. If the "
        "players find the keeper (alive in a sea cave) and he agrees to give up the memories, the hag leaves. "
        "Bittersweet, and rewards talking over fighting.",
        "perfect, my group is going to love the bittersweet ending. thank you!!",
    ),
    d(
        "math beginner satisfied low no",
        "can you help me understand fractions? i'm 40 and never got them at school",
        "Of course, and it's never too late. A fraction is a part of a whole: 3/4 means the whole is cut into "
        "4 equal pieces and you have 3 of them. Think of a pizza with 4 slices, and you ate 3.",
        "ok that part i get. but why is 1/2 the same as 2/4",
        "Cut each of the 2 halves in half again: now you have 4 quarters, and one half is exactly 2 of them. "
        "The amount of pizza didn't change, only the number of cuts. Multiplying top and bottom by the same "
        "number always gives the same amount.",
        "oh!! so that's why you can multiply top and bottom. and adding?",
        "To add, the pieces must be the same size. 1/2 + 1/4: turn 1/2 into 2/4, then 2/4 + 1/4 = 3/4. You "
        "only add the tops, because the bottom just says the size of the pieces.",
        "this is the first time fractions made sense to me. thank you so much",
    ),
    d(
        "legal intermediate neutral high no",
        "I'm a freelancer in the UK and a client hasn't paid a £2,800 invoice for 70 days. What are my options?",
        "Steps, escalating: a polite reminder, then a formal letter before action giving 14 days (30 if the "
        "client is an individual), then a claim through Money Claim Online, which for £2,800 is in the small "
        "claims track. For business clients you can also add statutory interest (8% over base rate) and fixed "
        "compensation under the Late Payment of Commercial Debts Act.",
        "how much is the fixed compensation?",
        "For a debt of £1,000 to £9,999.99 it's £70. Under £1,000 it's £40, and £100 for £10,000 or more.",
        "and the court fee for the claim?",
        "For claims between £1,500.01 and £3,000 filed online, the fee is currently £115; it's added to what "
        "you claim. Check the HMCTS fee list, as fees change.",
    ),
    d(
        "health beginner neutral high no",
        "I was just diagnosed with type 2 diabetes. I'm overwhelmed. Where do I even start?",
        "That's a lot to take in, and feeling overwhelmed is normal. Type 2 diabetes is very manageable. The "
        "first steps usually are: understand your treatment plan from your doctor, learn what your HbA1c "
        "number means, and ask for a referral to a diabetes education programme.",
        "what is hba1c",
        "It's a blood test that shows your average blood sugar over the last 2–3 months. Many people aim for "
        "about 48 mmol/mol (6.5%) or lower, but your doctor will set a target for you.",
        "do i have to stop eating bread",
        "Not necessarily. It's more about amounts and what you eat it with. Wholegrain bread raises blood "
        "sugar more slowly than white bread, and pairing carbs with protein, fibre and vegetables helps. A "
        "dietitian can help build a plan with foods you enjoy.",
        "ok. i'll ask for the education programme",
    ),
    d(
        "business intermediate satisfied high yes",
        "Help me write a short survey to find out why customers cancel our meal subscription.",
        "Keep it under 2 minutes: 1) Main reason for cancelling (single choice: price, food quality, variety, "
        "delivery issues, cooking takes too long, pausing temporarily, other). 2) How satisfied were you "
        "overall? (1–5) 3) What would have made you stay? (open) 4) Would you consider coming back? "
        "(yes/maybe/no) 5) May we contact you? (yes/no)",
        "good. should it be shown before or after they cancel?",
        "Show it as part of the cancellation flow, after they choose to cancel but before the final "
        "confirmation, and make it optional. Response rates are much higher than by email afterwards. Don't "
        "block cancellation behind it; that damages trust and may break consumer law.",
        "makes sense. can you also give me a pause option text to show there?",
        '"Need a break instead? Pause deliveries for 1–4 weeks and pick up where you left off. No charge '
        'while paused."',
        "great, thanks, all of this is going in the flow",
    ),
    d(
        "coding proficient dissatisfied high yes",
        "In Airflow 2, how do I pass a value computed in one task to a task in another DAG?",
        "Use XComs: ti.xcom_push(key='value', value=x) in the first task and ti.xcom_pull in the second.",
        "XComs are scoped to the DAG run. The other DAG has a different run.",
        "You can pull across DAGs with ti.xcom_pull(dag_id='other_dag', task_ids='task', include_prior_dates="
        "True).",
        "that's fragile, it picks the latest of any run. I'm asking about the right design",
        "A sturdier design: use Datasets (Assets in Airflow 3) to trigger the downstream DAG and pass the "
        "value through storage the consumer reads by the producer's logical date, such as a small file or "
        'table row keyed by it. Or use TriggerDagRunOperator with conf={"value": ...}, which the triggered '
        "run reads from dag_run.conf.",
        "trigger with conf is what I'll use. took a while to get to an actual design answer",
    ),
    d(
        "relationships_advice intermediate neutral high no",
        "I need to tell my roommate I'm moving out in 2 months. We're friends and she can't afford the place "
        "alone. How do I say it?",
        'Tell her soon and in person, and lead with the news rather than a long preamble: "I have something '
        "hard to tell you. I've decided to move out at the end of December.\" Then give her space to react.",
        "she'll ask why. the real reason is she's messy and I'm tired of it",
        "You don't owe her a list of grievances, but don't invent a reason either. Something like \"I want to "
        'live on my own for a while" is true and kind. If she asks directly about the cleaning, be honest but '
        "brief.",
        "what if she asks me to help find someone to take my room?",
        "That's a generous thing to offer anyway: post in your networks, help show the room, and check the "
        "lease about subletting or replacing a tenant. Two months is decent notice.",
    ),
    d(
        "career intermediate satisfied high no",
        "J'ai un entretien demain pour un poste de chef de projet. Tu peux me poser des questions comme un "
        "recruteur ?",
        "Bien sûr. Première question : racontez-moi un projet qui a pris du retard. Qu'avez-vous fait ?",
        "On a eu trois semaines de retard sur un site e-commerce parce qu'un prestataire n'a pas livré. J'ai "
        "renégocié le périmètre avec le client et on a livré la V1 à temps sans le module de fidélité.",
        "Bonne réponse : concrète et orientée solution. Pour la renforcer, ajoutez le résultat chiffré et ce "
        "que vous avez changé ensuite (par exemple des jalons intermédiaires avec les prestataires). Question "
        "suivante : comment gérez-vous un membre de l'équipe qui ne respecte pas les délais ?",
        "Je commence par un entretien individuel pour comprendre la cause, puis on fixe ensemble des "
        "objectifs plus courts.",
        "Très bien. Citez un exemple réel si vous en avez un : les recruteurs retiennent les histoires. "
        "Dernière question : pourquoi notre entreprise ?",
        "Merci, c'est exactement l'entraînement dont j'avais besoin !",
        locale="fr-FR",
    ),
    d(
        "finance beginner satisfied high yes",
        "I'm freelancing for the first time and need a simple monthly budget in a spreadsheet. Income varies "
        "between 2,500 and 4,500 a month.",
        "With variable income, budget from your lowest typical month (2,500) and treat the rest as a buffer. "
        "Columns: category, planned, actual, difference. Rows: rent, utilities, groceries, transport, "
        "insurance, phone/internet, tax reserve, savings, fun.",
        "what's a tax reserve",
        "Money you set aside from every payment for income tax and social contributions, since nobody "
        "withholds it for you as a freelancer. Many freelancers put 25–35% of each invoice into a separate "
        "account; your local rates decide the exact share.",
        "ok 30% then. how do i handle the good months?",
        "Add a 'buffer' row: in months above 2,500, move the surplus (after tax reserve) into a buffer "
        "account. In lean months, top up from it. Aim for 3–6 months of expenses in the buffer before "
        "increasing spending.",
        "can you give me the formula for the difference column and a total?",
        "In D2: =B2-C2 and fill down. Totals in row 12: =SUM(B2:B11), =SUM(C2:C11), =SUM(D2:D11). Format "
        "negative differences in red with conditional formatting so overspending stands out.",
        "done, it looks great. this is so much less scary now, thank you!",
        "You're welcome! Review it at the end of each month; the first three months teach you the most.",
    ),
    d(
        "technology_support intermediate dissatisfied high no",
        "Our shared mailbox stopped syncing in Outlook for everyone since yesterday. New mail shows in OWA but "
        "not in the desktop app.",
        "Try restarting Outlook and your computer.",
        "it's for 12 people, all restarted. I need something real",
        "Since OWA is fine, the mailbox is OK and the issue is client-side caching. Check if the shared "
        "mailbox is cached in Outlook (File > Account Settings > More Settings > Advanced > 'Download shared "
        "folders'). Turning that off and restarting forces online mode for it.",
        "turned it off for me, nothing changed",
        "Then check the Microsoft 365 admin center's Service health for Exchange incidents; a known "
        "sync incident would explain everyone at once. Also test with a new Outlook profile on one machine.",
        "service health shows nothing. new profile didn't help either",
        "Check whether permissions changed: if someone removed and re-added Full Access, automapping can "
        "break. Remove the mailbox from one user's Outlook, then re-add it manually as an additional "
        "mailbox.",
        "still nothing. we've wasted an hour on guesses. opening a ticket with microsoft",
    ),
    d(
        "travel intermediate satisfied low no",
        "家族旅行で京都に行くのですが、雨の日でも楽しめる場所はありますか？",
        "雨の日なら、京都鉄道博物館、京都国際マンガミュージアム、錦市場の食べ歩き、三十三間堂（屋内）などが"
        "おすすめです。雨の苔寺や竹林も風情があって人が少ないですよ。",
        "マンガミュージアムいいですね！子どもが喜びそうです。",
        "館内の漫画は自由に読めるので、半日いても飽きません。入館料は大人と子どもで異なるので、公式サイトで確認してください。",
        "ありがとうございます、助かりました！",
        locale="ja-JP",
    ),
    d(
        "writing intermediate satisfied high yes",
        "I have to give a 3-minute speech at my company's 25th anniversary dinner. I'm head of warehouse "
        "operations. Can you help me write it?",
        "Happy to. A simple shape for 3 minutes (about 400 words): open with a short story from the "
        "warehouse, thank the people behind the numbers, one line on the company's history, a look ahead, and "
        "a toast. Do you have a story in mind?",
        "the night in 2019 when the conveyor broke during the christmas peak and everyone, even the office "
        "staff, packed boxes by hand until 4am",
        "That's a great opening. Draft: \"December 2019. Eleven days before Christmas, at 9pm, our main "
        "conveyor stopped. We had 14,000 orders due out by morning. What happened next is the best thing I've "
        "seen in my career: people from finance, from HR, from sales, came down in their office clothes and "
        'packed boxes by hand with us until four in the morning. Every order left on time."',
        "love it. but I don't want it to sound like I'm only thanking that one night",
        "Then widen it right after: \"That night wasn't an exception. It's what this company has done for 25 "
        "years, quietly, every day: people stepping in where they're needed.\" Then thank specific groups: "
        "the night shift, the drivers, the people whose work nobody sees when it goes well.",
        "good. what about the history part, I'm not good with dates",
        'Keep it to one line with one fact: "We started in 1999 with one warehouse and six people; today we '
        "ship from four sites.\" Check the numbers with HR, and don't list milestones.",
        "and the ending? I want people to actually raise their glass, not just clap awkwardly",
        "Signal it clearly: \"So I'd like everyone to stand up, if you can, and raise your glass: to the next "
        '25 years, and to everyone who ever packed a box at 4am." Pause, lift your own glass first, and wait.',
        "perfect. read it out loud and it's 2:50. thank you, this is so much better than what I had",
    ),
)
