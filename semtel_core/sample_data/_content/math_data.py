"""Mathematics and data-analysis conversations."""

from __future__ import annotations

from semtel_core.sample_data._drafts import Draft, d

_PANDAS_ERROR_LOG = """>>> df.groupby("region")["sales"].mean()
Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
  File ".../pandas/core/groupby/groupby.py", line 2452, in mean
    result = self._cython_agg_general(
  File ".../pandas/core/groupby/groupby.py", line 1998, in _cython_agg_general
    new_mgr = data.grouped_reduce(array_func)
  File ".../pandas/core/internals/base.py", line 367, in grouped_reduce
    res = func(arr)
TypeError: agg function failed [how->mean,dtype->object]
>>> df.dtypes
region     object
sales      object
units       int64
date      object
dtype: object
>>> df["sales"].head()
0     1,204.50
1       980.00
2     2,310.75
3          n/a
4       455.20
Name: sales, dtype: object"""

DRAFTS: tuple[Draft, ...] = (
    d(
        "math novice satisfied low no",
        "what is 15% of 80? i always get confused with percents",
        "15% means 15 per hundred, so multiply 80 by 0.15: 80 × 0.15 = 12. A quick trick: 10% of 80 is 8, 5% "
        "is half of that, 4, and 8 + 4 = 12.",
        "ohh the 10% trick is nice, thanks!",
    ),
    d(
        "math intermediate neutral high no",
        "Prove that the square root of 2 is irrational.",
        "Suppose √2 = p/q with p, q integers sharing no common factor. Then p² = 2q², so p² is even, hence p is "
        "even: p = 2k. Substituting, 4k² = 2q², so q² = 2k² and q is even too. Both even contradicts the "
        "assumption that they share no factor, so √2 is irrational.",
    ),
    d(
        "math beginner dissatisfied low no",
        "solve 2x + 6 = 14",
        "Subtract 6 from both sides: 2x = 8. Divide by 2: x = 3.",
        "8 divided by 2 is 4 not 3",
        "You're right, sorry: x = 4. Check: 2·4 + 6 = 14.",
        "how can a computer get basic division wrong lol",
    ),
    d(
        "math expert neutral high no",
        "Is there a clean argument that every finite integral domain is a field, without counting?",
        "Take a ≠ 0 and the map x ↦ ax. It is injective because ax = ay gives a(x − y) = 0 and there are no "
        "zero divisors. An injective map from a finite set to itself is surjective, so some x has ax = 1. "
        "That uses finiteness only through the pigeonhole step; an alternative is that the powers of a must "
        "repeat, a^m = a^n with m > n, and cancelling gives a^(m−n) = 1, so a^(m−n−1) is the inverse.",
        "The powers argument is the one I was after. Good.",
    ),
    d(
        "math intermediate satisfied high no",
        "My kid's homework: a train leaves at 3pm going 80 km/h, another leaves the same station at 4pm going "
        "120 km/h on the same track. When does the second catch up? I want to explain it, not just give the "
        "answer.",
        "Explain it as a head start. By 4pm the first train is 80 km ahead. The second closes the gap at "
        "120 − 80 = 40 km each hour, so it needs 80 ÷ 40 = 2 hours: it catches up at 6pm, 240 km from the "
        "station. You can check: the first train has then run 3 hours × 80 = 240 km too.",
        "The head start framing clicked for her immediately. Thank you!",
    ),
    d(
        "math proficient neutral high no",
        "What's the intuition for why the determinant of a product is the product of determinants?",
        "The determinant is the factor by which a linear map scales volumes (with sign for orientation). "
        "Applying B scales every volume by det B, then A scales the result by det A, so AB scales by "
        "det A · det B. The algebraic proofs formalize that the scaling factor is well-defined and multiplicative.",
    ),
    d(
        "math beginner satisfied low no",
        "how many seconds are in a week",
        "60 seconds × 60 minutes × 24 hours × 7 days = 604,800 seconds.",
        "thanks!",
    ),
    d(
        "math intermediate dissatisfied high no",
        "Integrate x * e^(2x) dx",
        "Using integration by parts with u = x and dv = e^(2x)dx: the result is x e^(2x) − e^(2x) + C.",
        "differentiating that gives 2x e^(2x) - e^(2x) which is not the integrand. you dropped the 1/2s",
        "Correct, I lost the factors. v = ½e^(2x), so ∫x e^(2x)dx = ½x e^(2x) − ∫½e^(2x)dx = ½x e^(2x) − "
        "¼e^(2x) + C.",
        "right. twice now you've made arithmetic slips, I'll double check everything",
    ),
    d(
        "math expert satisfied high no",
        "Quick sanity check: the expected number of fixed points of a uniformly random permutation of n elements "
        "is 1 for every n, by linearity of expectation, yes?",
        "Yes. Each element is fixed with probability 1/n, and summing n indicators gives n · 1/n = 1, regardless "
        "of the dependence between them. The variance is also 1 for n ≥ 2.",
        "Great, thanks for the variance too.",
    ),
    d(
        "math novice neutral low no",
        "is zero an even number",
        "Yes. A number is even if it is 2 times an integer, and 0 = 2 × 0. It also sits between two odd "
        "numbers, −1 and 1, like every even number.",
    ),
    d(
        "math intermediate neutral low yes",
        "Make me 10 practice problems on adding fractions with unlike denominators for a 6th grade class, with "
        "answers at the end.",
        "1. 1/2 + 1/3\n2. 2/5 + 1/4\n3. 3/4 + 1/6\n4. 1/8 + 2/3\n5. 5/6 + 1/9\n6. 2/7 + 1/2\n7. 3/10 + 2/5\n"
        "8. 1/4 + 5/12\n9. 2/3 + 3/8\n10. 7/10 + 1/6\n\nAnswers: 1) 5/6 2) 13/20 3) 11/12 4) 19/24 5) 17/18 "
        "6) 11/14 7) 7/10 8) 2/3 9) 25/24 10) 13/15",
    ),
    d(
        "data_analysis intermediate satisfied high yes",
        "Pandas refuses to compute a mean per region, no clue why:\n\n" + _PANDAS_ERROR_LOG,
        'The sales column is text (dtype object): values carry thousands separators like "1,204.50" and there '
        'is a literal "n/a". Convert it first:\n\ndf["sales"] = pd.to_numeric(df["sales"].str.replace(",", '
        '""), errors="coerce")\n\nerrors="coerce" turns "n/a" into NaN, which mean() skips. Better: fix it at '
        'load time with pd.read_csv(..., thousands=",", na_values=["n/a"]).',
        "read_csv with thousands= did it, and the means look right now. Thanks!",
    ),
    d(
        "data_analysis beginner neutral low yes",
        "In Excel how do I count how many cells in column B say 'Yes'?",
        'Use =COUNTIF(B:B, "Yes"). It\'s case-insensitive. For a fixed range, use B2:B500 instead of B:B.',
    ),
    d(
        "data_analysis proficient neutral high yes",
        "We ran an A/B test on checkout: control 4.1% conversion on 52,300 sessions, variant 4.4% on 51,900. Is "
        "that significant, and what would you report?",
        "A two-proportion z-test gives a difference of 0.3 percentage points with a standard error of about "
        "0.126 pp, so z ≈ 2.4 and p ≈ 0.017 two-sided. Report the effect with its 95% confidence interval, "
        "roughly +0.05 to +0.55 pp (a relative lift of about 1% to 13%), not just the p-value. Also confirm that "
        "the test duration and stopping rule were fixed in advance; peeking inflates false positives.",
    ),
    d(
        "data_analysis intermediate dissatisfied high yes",
        "I have monthly sales for 3 years. Build me a forecast for the next 6 months.",
        "I can't access your data, but you can use a linear trend: fit y = a + b·t in Excel with =FORECAST."
        "LINEAR and extend it.",
        "my sales are super seasonal, december is 3x july. a straight line is useless",
        "Then use a seasonal method: Excel's FORECAST.ETS handles seasonality automatically, or in Python "
        "statsmodels' ExponentialSmoothing with seasonal='mul', seasonal_periods=12.",
        "you should have asked about seasonality before suggesting a line. whatever, I'll try ETS",
    ),
    d(
        "data_analysis expert neutral high yes",
        "For a churn model with 2% positives, which metrics do you put in front of a product team, and how do "
        "you pick the threshold?",
        "Skip accuracy and ROC AUC for the product audience; show precision and recall at the operating point "
        "and the PR curve, plus the lift in the top decile. Choose the threshold from the cost of the action: "
        "if a retention offer costs c and saves v in expectation when the customer really was churning, act "
        "when p(churn) > c / v. Check calibration (reliability plot) first, otherwise the probabilities don't "
        "mean what that rule assumes.",
        "The c/v rule is what I'll present. Calibration is fine after isotonic.",
    ),
    d(
        "data_analysis beginner satisfied low yes",
        "what chart should i use to show how our budget is split between 5 departments",
        "A bar chart sorted from largest to smallest is easiest to read. A pie chart works with only five "
        "slices if the differences are large, but people compare lengths more accurately than angles.",
        "sorted bar chart it is, looks much cleaner. thanks",
    ),
    d(
        "data_analysis intermediate neutral high yes",
        "Write a SQL query giving 7-day rolling average of daily active users from a table events(user_id, ts).",
        "WITH daily AS (\n  SELECT date_trunc('day', ts) AS day, COUNT(DISTINCT user_id) AS dau\n  FROM events "
        "GROUP BY 1\n)\nSELECT day, dau,\n  AVG(dau) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) "
        "AS dau_7d\nFROM daily ORDER BY day;\n\nIf some days have no events, generate a calendar with "
        "generate_series and left join, otherwise the window spans more than 7 calendar days.",
    ),
    d(
        "data_analysis proficient satisfied high yes",
        "I need a short analysis write-up for leadership: survey NPS went from 31 to 24 quarter over quarter, "
        "n=410 then n=388. Promoters 48%→44%, detractors 17%→20%. Draft 5 bullet points, careful about "
        "overclaiming.",
        "- NPS fell 7 points (31 → 24), driven by both fewer promoters (−4 pp) and more detractors (+3 pp).\n"
        "- With ~400 responses per quarter, the margin of error on NPS is roughly ±7–8 points, so the drop is "
        "at the edge of what sampling noise can produce.\n- The shift in detractors is the more actionable "
        "signal; their verbatim comments should be coded by theme before drawing conclusions.\n- We recommend "
        "not attributing the change to a specific release until themes are reviewed.\n- Next step: monthly "
        "tracking and a detractor follow-up to confirm the trend.",
        "exactly the right tone. thanks",
    ),
    d(
        "data_analysis novice neutral low no",
        "what does 'median' mean, my boss keeps saying median salary",
        "The median is the middle value when everything is sorted: half the salaries are below it and half "
        "above. Unlike the average, a few very high salaries don't pull it up, which is why it's used for pay.",
    ),
    d(
        "data_analysis intermediate satisfied high yes",
        "J'ai un fichier CSV avec les ventes par magasin et par jour. Comment je fais un tableau croisé "
        "dynamique avec le total par mois et par magasin dans Google Sheets ?",
        "Sélectionnez vos données, puis Insertion > Tableau croisé dynamique. Mettez « magasin » en lignes et "
        "la date en colonnes, puis clic droit sur une date > Créer un groupe de dates pivot > Mois. Ajoutez "
        "« ventes » dans Valeurs avec SOMME. Si les dates sont du texte, convertissez-les d'abord avec "
        "Format > Nombre > Date.",
        "Parfait, c'était bien un problème de dates au format texte. Merci !",
        locale="fr-FR",
    ),
    d(
        "math beginner neutral low no",
        "¿Cómo se calcula el área de un círculo si sólo sé el diámetro?",
        "El área es π·r², y el radio es la mitad del diámetro. Si el diámetro mide 10 cm, r = 5 cm y el área "
        "es π·25 ≈ 78,5 cm². También puedes usar directamente π·d²/4.",
        locale="es-MX",
    ),
    d(
        "data_analysis proficient dissatisfied high yes",
        "Polars: I have a lazy frame with 300M rows and group_by().agg() runs out of memory on a 32 GB box. "
        "Options?",
        "Use pandas with chunksize to process the file in pieces.",
        "that's a step backwards. I'm asking about polars.",
        'In Polars, collect with the streaming engine (collect(engine="streaming")) so the group-by runs '
        "out-of-core in batches; make sure every operation in the plan supports streaming (explain() shows "
        "it). Reduce width early with select, and cast strings to Categorical if the key is repetitive.",
        "the streaming engine worked, but first answer was useless",
    ),
)
