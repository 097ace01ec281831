"""Business, personal and corporate finance, and legal conversations."""

from __future__ import annotations

from semtel_core.sample_data._drafts import Draft, d

DRAFTS: tuple[Draft, ...] = (
    d(
        "business intermediate satisfied high yes",
        "I run a small bakery with 2 locations. Help me write a one-page SWOT for a bank loan meeting about "
        "opening a third.",
        "Strengths: two profitable locations, loyal morning trade, proven wholesale orders to three cafés.\n"
        "Weaknesses: owner-dependent operations, one central oven, thin management bench.\nOpportunities: new "
        "office district near the planned site, catering demand, online pre-orders.\nThreats: rising flour "
        "and energy prices, a chain bakery opening nearby, staff shortages.\n\nFor the bank, pair each weakness "
        "with a mitigation: e.g. the loan funds a second oven and a shift manager.",
        "Pairing weaknesses with mitigations is smart. Thanks, this helps a lot.",
    ),
    d(
        "business proficient neutral high yes",
        "What's a reasonable way to price a B2B SaaS product for mid-size logistics companies, per seat or "
        "usage-based? Our cost driver is the number of shipments processed.",
        "When your cost scales with shipments and your value does too (the customer saves per shipment), "
        "usage-based pricing on shipments aligns both. Buyers like predictability, so offer tiers with an "
        "included volume and a per-shipment overage, billed annually. Seats suit tools where value grows with "
        "the number of users, which sounds secondary here; you could include unlimited seats as a selling "
        "point.",
    ),
    d(
        "business novice neutral low no",
        "what does B2B mean",
        "Business-to-business: a company that sells to other companies rather than to individual consumers "
        "(that would be B2C). For example, a firm selling accounting software to businesses is B2B.",
    ),
    d(
        "business expert dissatisfied high yes",
        "Build me a unit-economics model for a subscription meal-kit business: CAC 85 EUR, monthly churn 9%, "
        "AOV 62 EUR/month, contribution margin 28%.",
        "LTV = AOV × margin / churn = 62 × 0.28 / 0.09 ≈ 193 EUR, so LTV/CAC ≈ 2.3, and payback is CAC / "
        "(AOV × margin) = 85 / 17.36 ≈ 4.9 months.",
        "That treats churn as constant. Meal kits have brutal month-1 churn, like 40%, then it flattens. The "
        "constant-churn LTV overstates badly. I asked for a model, not a formula.",
        "Agreed. A cohort model: month 1 retention 60%, then 9% monthly churn afterwards. Expected paid "
        "months = 1 + 0.6 × (1/0.09) ≈ 7.7, so LTV ≈ 7.7 × 17.36 ≈ 133 EUR and LTV/CAC ≈ 1.6. Payback "
        "happens only for customers surviving month 1.",
        "closer, but I had to spell out the obvious. I'll build it in a sheet myself",
    ),
    d(
        "business intermediate satisfied low yes",
        "Write an agenda for a 45-minute quarterly business review with our biggest client.",
        "1. Welcome and goals for today (5 min)\n2. Results vs. last quarter's targets (10 min)\n3. Highlights "
        "and issues from their team (10 min)\n4. Roadmap items relevant to them (10 min)\n5. Next quarter's "
        "goals and success measures (5 min)\n6. Actions, owners, dates (5 min)\n\nSend it two days before and "
        "ask if they want to add anything.",
        "perfect, thanks",
    ),
    d(
        "business beginner neutral high yes",
        "I want to start selling handmade candles online. Can you outline a simple business plan?",
        "A lean plan: 1) Product: 3–4 signature scents, one size, consistent quality. 2) Customer: gift "
        "buyers aged 25–45, found on Instagram and Etsy. 3) Pricing: materials + packaging + your time, then "
        "at least 2× for wholesale and 4× for retail. 4) Channels: Etsy first (built-in traffic), then your own "
        "shop. 5) Costs: wax, wicks, jars, labels, insurance, fees. 6) Goals: sell 50 candles in 3 months and "
        "collect reviews. 7) Compliance: safety labels and product liability cover.",
    ),
    d(
        "business proficient satisfied high yes",
        "Draft OKRs for a customer support team whose CSAT is 78% and first response time is 9 hours.",
        "Objective: Customers get fast, helpful answers.\nKR1: Median first response time from 9h to under 2h "
        "during business hours.\nKR2: CSAT from 78% to 86%.\nKR3: 30% of tickets resolved by self-service "
        "articles (measured by deflection).\n\nObjective: The team scales without burnout.\nKR1: Backlog older "
        "than 48h below 5% of open tickets.\nKR2: Top 10 contact reasons each have a macro and an article.",
        "Exactly what I needed, the second objective is a nice touch.",
    ),
    d(
        "business intermediate neutral low yes",
        "Preciso de um texto curto de apresentação da minha empresa de limpeza para colocar no Instagram.",
        "Somos a Brilho Casa, uma empresa de limpeza residencial e comercial em Campinas. Com equipe treinada, "
        "produtos de qualidade e horários flexíveis, deixamos seu espaço impecável para você cuidar do que "
        "importa. Orçamento rápido pelo direct!",
        locale="pt-BR",
    ),
    d(
        "finance novice satisfied low no",
        "what's the difference between a debit card and a credit card?",
        "A debit card spends money that's already in your bank account. A credit card borrows money from the "
        "card company, which you repay later; if you pay the full balance each month you usually pay no "
        "interest, otherwise interest is charged, often at a high rate.",
        "that makes sense now, thanks!",
    ),
    d(
        "finance intermediate neutral high no",
        "I'm 34 with 20k in savings and no retirement account. Should I pay off my 6.5% car loan first or "
        "start investing in an index fund?",
        "Paying off a 6.5% loan is a guaranteed 6.5% return, which is close to long-run stock returns without "
        "the risk. A common order: keep an emergency fund (3–6 months of expenses), take any employer "
        "retirement match (it's free money), then pay down debt above ~6%, then invest. I'm not a financial "
        "advisor, so check the details of your situation.",
    ),
    d(
        "finance proficient satisfied high yes",
        "Build a DCF sanity check: FCF next year 4.2M, growing 8% for 5 years, then 2.5% terminal, WACC 9.5%. "
        "What enterprise value do you get?",
        "FCF years 1–5: 4.20, 4.54, 4.90, 5.29, 5.71M. Discounted at 9.5%: 3.84, 3.78, 3.73, 3.68, 3.63 → "
        "sum ≈ 18.66M. Terminal value at year 5 = 5.71 × 1.025 / (0.095 − 0.025) ≈ 83.6M, discounted ≈ 53.1M. "
        "EV ≈ 71.8M, with about 74% from the terminal value, so the result is very sensitive to WACC and "
        "terminal growth.",
        "Matches my spreadsheet within rounding. Thanks for the sensitivity remark.",
    ),
    d(
        "finance beginner dissatisfied low no",
        "my bank charged me a 35 dollar overdraft fee, can I get it back?",
        "Overdraft fees are part of your account agreement, so the bank is entitled to charge them.",
        "that's not what I asked. people get them refunded all the time",
        "You're right that banks often waive a first fee if you ask. Call or chat with support, mention how "
        "long you've been a customer, and ask politely for a one-time courtesy refund.",
        "should've said that first",
    ),
    d(
        "finance intermediate satisfied low no",
        "I got this text: 'Your card 4539 1488 0343 6467 was charged $1,249.00 at ElectroMart. If this wasn't "
        "you call 1-888-555-0190.' Is it a scam? That is my real card number though",
        "Be careful: don't call that number. Scammers sometimes have real card numbers from data breaches, and "
        "the 'call us' number connects to them, not your bank. Call the number printed on the back of your "
        "card, or check the transaction in your banking app. If the charge is real and not yours, the bank "
        "will block the card and dispute it.",
        "the app shows no such charge. called the bank and they're replacing the card anyway. thanks!",
        pii="card phone",
    ),
    d(
        "finance expert neutral high yes",
        "How should I think about hedging EUR revenue for a USD-reporting company, 60% of revenue in EUR, "
        "costs mostly in USD?",
        "The exposure is the net EUR flow after EUR costs, which sounds large. A layered hedge program is "
        "common: hedge a declining share of forecast exposure over rolling quarters, e.g. 75% of the next "
        "quarter, 50% of quarters 2–3, 25% of quarter 4, with forwards, which smooths the rate rather than "
        "betting on it. Options cost premium but keep upside. Decide whether you target earnings or cash "
        "flow stability, and check hedge accounting (ASC 815) to avoid P&L volatility from marking "
        "hedges to market.",
    ),
    d(
        "finance intermediate neutral low no",
        "Mein Vermieter will die Kaution auf dieses Konto: DE89 3704 0044 0532 0130 00. Wie formuliere ich die "
        "Überweisung, damit klar ist, wofür sie ist?",
        "Als Verwendungszweck zum Beispiel: „Mietkaution Wohnung Gartenstraße 12, 2. OG links, Mieter Jonas "
        "Weber“. Wichtig sind Adresse, Lage der Wohnung und Ihr Name. Heben Sie den Kontoauszug auf, damit Sie "
        "die Zahlung später nachweisen können.",
        locale="de-DE",
        pii="iban person address",
    ),
    d(
        "finance beginner satisfied low no",
        "¿Qué es mejor para ahorrar, una cuenta remunerada o un depósito a plazo fijo?",
        "Depende de si necesitas el dinero. Una cuenta remunerada te deja sacarlo cuando quieras, con un "
        "interés que puede bajar. Un depósito a plazo fijo suele pagar un poco más y garantiza el tipo, pero "
        "el dinero queda bloqueado hasta el vencimiento. Muchos combinan ambos: el fondo de emergencia en la "
        "cuenta y el resto en depósito.",
        "Muy claro, ¡gracias!",
        locale="es-ES",
    ),
    d(
        "finance proficient dissatisfied high no",
        "Explain the tax treatment of RSUs vs ISOs in the US. I'm an engineer with both.",
        "RSUs are taxed as ordinary income when they vest. ISOs are never taxed until you sell.",
        "ISOs can trigger AMT at exercise, that's the whole reason people get burned by them. That answer is "
        "dangerously incomplete.",
        "You're right. At ISO exercise, the spread counts for alternative minimum tax even though there's no "
        "regular income tax; if you hold 1 year after exercise and 2 after grant, the gain at sale is long-term "
        "capital gain. RSUs: ordinary income at vest, then capital gain or loss from the vest price.",
        "fine. please be careful, people make decisions on this",
    ),
    d(
        "legal novice neutral low no",
        "can my landlord come into my apartment without telling me?",
        "In most places, no, except for emergencies. Laws usually require notice (often 24 hours in many US "
        "states) before a landlord enters for repairs or viewings. The exact rule depends on your country or "
        "state and your lease, so check your local tenant rights office.",
    ),
    d(
        "legal intermediate satisfied high yes",
        "Draft a simple freelance contract clause about late payments: invoices due in 30 days, 1.5% monthly "
        "interest after that, and I can pause work.",
        "Late Payment. Invoices are due within thirty (30) days of the invoice date. Unpaid amounts accrue "
        "interest at 1.5% per month (or the maximum rate permitted by law, if lower) from the due date until "
        "paid. If any invoice remains unpaid more than fifteen (15) days after its due date, the Contractor "
        "may suspend work on written notice until all overdue amounts are paid, and delivery dates will be "
        "extended accordingly.\n\nHave a lawyer review it for your jurisdiction.",
        "The 'lower of' part is smart. Thanks!",
    ),
    d(
        "legal expert neutral high yes",
        "Under GDPR, can we rely on legitimate interest for product analytics on logged-in users, or do we "
        "need consent? We're in the EU, first-party analytics only.",
        "Two layers apply. The ePrivacy rules (national cookie laws) require consent for storing or reading "
        "information on the device unless strictly necessary, and analytics is usually not, although some "
        "regulators (e.g. CNIL) exempt narrowly configured audience measurement. Processing the resulting data "
        "under GDPR can rest on legitimate interest with a documented balancing test, data minimisation and an "
        "easy opt-out. So: check whether your setup fits a national exemption; if not, consent is needed for "
        "the device-access part regardless of the GDPR basis.",
    ),
    d(
        "legal beginner dissatisfied low no",
        "I got a parking ticket but the sign was covered by a tree. how do I fight it",
        "Parking tickets are generally valid if you parked in a restricted area.",
        "that's not helpful, I said the SIGN WAS COVERED",
        "Then take photos of the obscured sign from where you parked, note the date and time, and submit them "
        "with an appeal through the address on the ticket. Obscured signage is a common valid ground.",
        "already did that before asking. useless",
    ),
    d(
        "legal intermediate neutral high no",
        "What's the difference between a will and a living trust?",
        "A will says who gets your property after death and usually goes through probate, a court process "
        "that is public and can be slow. A living trust holds assets during your life and passes them to "
        "beneficiaries without probate, privately. Trusts cost more to set up and you must move assets into "
        "them. Many people have both: a trust for major assets and a 'pour-over' will for anything left out.",
    ),
    d(
        "legal proficient satisfied high yes",
        "Review this NDA clause and tell me what's risky for us as the receiving party: 'Recipient shall hold "
        "all information disclosed by Discloser in strict confidence in perpetuity and shall be liable for any "
        "disclosure howsoever arising.'",
        "Three risks: (1) 'all information' has no definition or exclusions, so publicly available or "
        "independently developed information is covered; add standard carve-outs. (2) 'in perpetuity' is "
        "unusual for non-trade-secret information; propose 3–5 years, with perpetuity only for trade secrets. "
        "(3) 'howsoever arising' creates strict liability, even for disclosures compelled by law or by a third "
        "party's breach; limit it to breaches by you or your representatives and add a compelled-disclosure "
        "clause with notice.",
        "Very helpful, that's exactly the redline I'll send.",
    ),
    d(
        "legal intermediate neutral low no",
        "Mon employeur peut-il me refuser des congés payés que j'avais posés il y a deux mois ?",
        "En France, c'est l'employeur qui fixe l'ordre des départs en congé, après avis du CSE, et il peut "
        "refuser une demande. En revanche, une fois les dates validées, il ne peut les modifier moins d'un "
        "mois avant le départ, sauf circonstances exceptionnelles. Vérifiez si vos dates avaient été "
        "acceptées par écrit et ce que prévoit votre convention collective.",
        locale="fr-FR",
    ),
    d(
        "finance intermediate satisfied low yes",
        "Please write a short payment reminder to a client. Invoice INV-2026-118, 2,400 EUR, was due October "
        "1. Their accounts email is ap@kestrel-consulting.example, and our bank details are IBAN FR76 3000 "
        "6000 0112 3456 7890 189.",
        "Subject: Reminder: invoice INV-2026-118 (2,400 EUR), due 1 October\n\nDear Kestrel accounts team,\n\n"
        "Our records show that invoice INV-2026-118 for 2,400 EUR, due on 1 October, is still open. If it has "
        "already been paid, please disregard this message. Otherwise, we would be grateful for payment to IBAN "
        "FR76 3000 6000 0112 3456 7890 189 within the next 7 days.\n\nThank you, and kind regards",
        "great, thanks",
        pii="email iban",
    ),
)
