"""Programming conversations, from first scripts to production debugging."""

from __future__ import annotations

from semtel_core.sample_data._drafts import Draft, d

_FLASK_TRACEBACK = """Traceback (most recent call last):
  File "/srv/app/.venv/lib/python3.11/site-packages/flask/app.py", line 1498, in __call__
    return self.wsgi_app(environ, start_response)
  File "/srv/app/.venv/lib/python3.11/site-packages/flask/app.py", line 1476, in wsgi_app
    response = self.handle_exception(e)
  File "/srv/app/.venv/lib/python3.11/site-packages/flask/app.py", line 1473, in wsgi_app
    response = self.full_dispatch_request()
  File "/srv/app/orders/views.py", line 42, in create_order
    order = Order(customer_id=payload["customer"], total=compute_total(payload["items"]))
  File "/srv/app/orders/pricing.py", line 17, in compute_total
    return sum(item["price"] * item["qty"] for item in items)
  File "/srv/app/orders/pricing.py", line 17, in <genexpr>
    return sum(item["price"] * item["qty"] for item in items)
TypeError: can't multiply sequence by non-int of type 'str'"""

_GO_CODE = """package main

import (
\t"fmt"
\t"sync"
)

func main() {
\tvar wg sync.WaitGroup
\tresults := make(map[int]int)
\tfor i := 0; i < 100; i++ {
\t\twg.Add(1)
\t\tgo func(n int) {
\t\t\tdefer wg.Done()
\t\t\tresults[n] = n * n
\t\t}(i)
\t}
\twg.Wait()
\tfmt.Println(len(results))
}"""

_K8S_EVENTS = """NAME                          READY   STATUS             RESTARTS      AGE
payments-api-7d9f8c6b5-2xkqp  0/1     CrashLoopBackOff   6 (41s ago)   9m12s
payments-api-7d9f8c6b5-h8s4n  0/1     CrashLoopBackOff   6 (38s ago)   9m12s
redis-0                       1/1     Running            0             3d

$ kubectl logs payments-api-7d9f8c6b5-2xkqp --previous
2026-10-21T08:14:03Z INFO  starting payments-api version=2.14.0
2026-10-21T08:14:03Z INFO  loading config from /etc/payments/config.yaml
2026-10-21T08:14:04Z INFO  connecting to postgres host=pg-primary.internal port=5432
2026-10-21T08:14:09Z WARN  postgres not ready, retry 1/3
2026-10-21T08:14:14Z WARN  postgres not ready, retry 2/3
2026-10-21T08:14:19Z WARN  postgres not ready, retry 3/3
2026-10-21T08:14:19Z ERROR fatal: could not connect to postgres: dial tcp 10.42.7.19:5432: connect: connection refused
2026-10-21T08:14:19Z INFO  shutting down"""

_REACT_COMPONENT = """export function SearchBox({ onSearch }) {
  const [query, setQuery] = useState("");

  useEffect(() => {
    const id = setTimeout(() => onSearch(query), 300);
  }, [query]);

  return <input value={query} onChange={e => setQuery(e.target.value)} />;
}"""

_SQL_QUERY = """SELECT c.id, c.name, COUNT(o.id) AS orders, SUM(o.total) AS revenue
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id
WHERE o.created_at >= '2026-01-01'
GROUP BY c.id, c.name
ORDER BY revenue DESC;"""

DRAFTS: tuple[Draft, ...] = (
    d(
        "coding novice satisfied low yes",
        "how do i make python print my name 5 times? i just installed it today",
        'Welcome to Python! A loop does it:\n\nfor i in range(5):\n    print("Your name")\n\n'
        'range(5) produces 0, 1, 2, 3, 4, so the body runs five times. Replace "Your name" with your name.',
        "omg it worked!! thank you so much",
    ),
    d(
        "coding beginner neutral low yes",
        "What's the difference between a list and a tuple in Python?",
        "Both are ordered sequences. A list is mutable: you can append, remove or change items. A tuple is "
        "immutable once created, which makes it hashable (usable as a dict key) if its items are hashable. "
        "Use a list for a collection that changes and a tuple for a fixed record such as (x, y).",
    ),
    d(
        "coding intermediate satisfied high yes",
        "I'm getting this in production after the last deploy, no idea why, the same code worked on staging:\n\n"
        + _FLASK_TRACEBACK,
        'The error says item["price"] is a string, and multiplying a string by a string is not allowed '
        '("3" * 2 would repeat the string; "3" * "2" fails). Production probably receives prices as JSON '
        'strings, e.g. {"price": "19.90"}, while your staging fixtures send numbers. Convert at the boundary:'
        '\n\nfrom decimal import Decimal\n\ndef compute_total(items):\n    return sum(Decimal(str(i["price"])) * '
        'int(i["qty"]) for i in items)\n\nBetter still, validate the payload with a schema (pydantic, '
        "marshmallow) so a bad type is a 400 instead of a 500.",
        "You're right, the mobile client sends strings. Added a pydantic model for the payload. Thanks, that "
        "saved my evening.",
    ),
    d(
        "coding proficient dissatisfied high yes",
        "Why does this Go program sometimes crash with 'concurrent map writes'? I thought WaitGroup makes it safe."
        "\n\n" + _GO_CODE,
        "WaitGroup only waits for the goroutines to finish; it does not serialize their access to the map. "
        "Use sync.Map instead, which is safe for concurrent use.",
        "sync.Map is a terrible fit here, the docs themselves say it's for append-only caches with disjoint "
        "keys. I asked WHY, and the fix I want is idiomatic.",
        "Fair point. The why: Go maps are not safe for concurrent writes, and the runtime detects the race and "
        "aborts. Idiomatic fixes: guard the map with a sync.Mutex around results[n] = n*n, or give each "
        "goroutine its own slot in a pre-sized slice (results := make([]int, 100); results[n] = n*n), which "
        "needs no lock because writes never overlap.",
        "the slice version is what I wanted. should have been the first answer though.",
    ),
    d(
        "coding expert neutral high yes",
        "Looking for a lock-free SPSC ring buffer design in Rust that avoids false sharing between head and tail. "
        "I know about crossbeam's ArrayQueue; I want to understand the memory ordering choices.",
        "Keep head (written by the consumer) and tail (written by the producer) on separate cache lines, e.g. "
        "wrap each in #[repr(align(64))] or crossbeam_utils::CachePadded. The producer writes the slot, then "
        "stores tail with Release; the consumer loads tail with Acquire before reading the slot, and stores "
        "head with Release after reading. Each side may cache the other index locally and reload it only when "
        "the buffer looks full or empty, which removes most cross-core traffic. Relaxed is enough for a "
        "thread reading its own index. Capacity as a power of two lets you mask instead of modulo.",
        "And the cached-index trick keeps correctness because a stale view is always conservative?",
        "Yes: a stale tail makes the consumer see fewer items than exist, and a stale head makes the producer "
        "see less free space. Both only cause an extra reload, never an overrun.",
    ),
    d(
        "coding beginner dissatisfied low yes",
        "my javascript says undefined when i do console.log(total) after the fetch",
        "fetch is asynchronous, so console.log runs before the response arrives. Move the log inside .then() "
        "or use await inside an async function.",
        "i put it inside then and it still says undefined",
        "Could you paste the code? A common cause is forgetting to return the value from the first .then, "
        "e.g. .then(res => { res.json() }) with braces needs an explicit return.",
        "i did what you said and it's still broken. this is the third time. forget it",
    ),
    d(
        "coding intermediate satisfied low yes",
        "Write a bash one-liner that finds all .log files older than 14 days under /var/log/myapp and deletes "
        "them, but print what it deletes.",
        "find /var/log/myapp -type f -name '*.log' -mtime +14 -print -delete\n\n"
        "-print before -delete shows each path as it goes. Run it once without -delete to check the list.",
        "perfect, exactly what I needed",
    ),
    d(
        "coding proficient satisfied high yes",
        "This React search box fires onSearch way too often and I get a warning about missing dependencies. "
        "What's wrong?\n\n" + _REACT_COMPONENT,
        "Two issues. The effect never clears its timeout, so every keystroke schedules a call and none is "
        "cancelled: that defeats the debounce. Return a cleanup: return () => clearTimeout(id);. The "
        "exhaustive-deps warning is about onSearch: add it to the dependency list, and have the parent wrap it "
        "in useCallback so its identity is stable, otherwise the effect re-runs on every parent render.",
        "The missing cleanup was it. Works nicely now, thanks.",
    ),
    d(
        "coding intermediate neutral high yes",
        "Can you explain what this query returns and whether the LEFT JOIN does what I think?\n\n"
        + _SQL_QUERY,
        "It lists customers with their order count and revenue since 2026-01-01, highest revenue first. But "
        "the WHERE clause on o.created_at filters out rows where o is NULL, which turns your LEFT JOIN into an "
        "inner join: customers without orders disappear. Move the date condition into the ON clause "
        "(LEFT JOIN orders o ON o.customer_id = c.id AND o.created_at >= '2026-01-01') if you want them "
        "listed with 0 orders. Also COALESCE(SUM(o.total), 0) so revenue is 0 rather than NULL.",
    ),
    d(
        "coding novice neutral low no",
        "is html a programming language? my brother says it isn't and we're arguing",
        "Strictly speaking, HTML is a markup language: it describes the structure of a page (headings, "
        "paragraphs, links) but has no variables, loops or conditions, so you cannot compute anything with it "
        "alone. Your brother is technically right, though the word 'coding' is used loosely for writing HTML too.",
    ),
    d(
        "coding expert dissatisfied high yes",
        "In CPython 3.12, does the per-interpreter GIL mean I can run CPU-bound threads in parallel from a "
        "normal threading.Thread?",
        "Yes, since 3.12 each thread gets its own GIL, so CPU-bound threads now run in parallel.",
        "That's wrong. PEP 684 gives each *subinterpreter* its own GIL; threads in the same interpreter still "
        "share one. And it was only exposed through the C API in 3.12.",
        "You're correct, I misstated it. Threads inside one interpreter still share the GIL in 3.12. Parallelism "
        "needs separate subinterpreters (C API in 3.12, the interpreters module later) or the free-threaded "
        "build from PEP 703, which is a separate experimental build in 3.13.",
        "ok. please don't state things that confidently when they're wrong",
    ),
    d(
        "coding beginner satisfied low yes",
        "How do I undo my last git commit? I haven't pushed yet.",
        "If you want to keep the changes in your working tree: git reset --soft HEAD~1. That removes the commit "
        "but leaves your files staged. If you want to throw the changes away entirely: git reset --hard HEAD~1 "
        "(careful, that's irreversible for uncommitted work).",
        "soft was what I needed, thanks a lot!",
    ),
    d(
        "coding intermediate dissatisfied high yes",
        "I need a regex that validates email addresses properly for our signup form.",
        "Here's a comprehensive one: ^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$",
        "that rejects plus-addresses with subdomains like a+b@mail.co.uk? no wait it accepts those. but it "
        "rejects internationalized domains, and our users are in Japan",
        "For internationalized domains, convert the domain to punycode with the idna package before "
        "matching, or skip the regex and send a confirmation email, which is the only real validation anyway.",
        "you said 'validates properly' and then told me regex can't. not helpful",
    ),
    d(
        "coding proficient neutral high yes",
        "Design question: for a multi-tenant SaaS on Postgres, schema-per-tenant or a tenant_id column with "
        "row-level security? ~400 tenants, a few very large.",
        "At 400 tenants a shared schema with tenant_id plus RLS is usually easier to operate: one migration "
        "path, one connection pool, and the planner handles it well if tenant_id leads your composite indexes. "
        "Schema-per-tenant makes migrations N times slower and bloats the catalog. For the few very large "
        "tenants, consider moving them to dedicated databases later (a 'silo' tier) rather than designing the "
        "whole system around them. Whatever you pick, set the tenant in a session variable from a single "
        "middleware, and test that a query without it returns nothing.",
    ),
    d(
        "coding intermediate satisfied high yes",
        "Our payments pods keep restarting after we moved Postgres to a new node pool. Here's what I see:\n\n"
        + _K8S_EVENTS,
        "The app gives up after three retries, 15 seconds in total, and Kubernetes restarts it, so you get "
        "CrashLoopBackOff. 'connection refused' on 10.42.7.19:5432 means nothing is listening at that address: "
        "most likely pg-primary.internal still resolves to the old pod IP. Check kubectl get endpoints "
        "pg-primary and the Service selector after the move. Independently, make startup tolerant: retry with "
        "backoff for longer, and use a readiness probe rather than exiting.",
        "The Service selector still had the old label. Fixed it and the pods came up. Thanks!",
        "Glad it's running. Worth adding an alert on endpoints with zero ready addresses for that Service.",
        "good idea, will do",
        pii="ip",
    ),
    d(
        "coding novice dissatisfied low no",
        "why is coding so hard. i watched 10 hours of videos and still cant make anything",
        "Watching videos feels productive, but skills come from typing code yourself. Pick one tiny project, "
        "like a tip calculator, and build it step by step, looking things up only when stuck.",
        "that's what everyone says. it doesn't help",
    ),
    d(
        "coding expert satisfied high yes",
        "I want a Postgres index for queries like WHERE account_id = $1 AND created_at > now() - interval '7 "
        "days' ORDER BY created_at DESC LIMIT 50 on a 2-billion-row events table. BRIN or btree?",
        "A composite btree on (account_id, created_at DESC) serves this exactly: equality on the first column, "
        "range and order on the second, and the LIMIT stops after 50 index entries. BRIN on created_at alone "
        "is tiny and good for time-range scans across all accounts, but it cannot seek to one account. If the "
        "table is partitioned by time, the btree per partition stays small and old partitions can be detached.",
        "That matches my benchmark. Nice to see the reasoning laid out, thanks.",
    ),
    d(
        "coding beginner neutral low yes",
        "Write a function in Java that checks if a string is a palindrome.",
        "public static boolean isPalindrome(String s) {\n    int i = 0, j = s.length() - 1;\n    while (i < j) {\n"
        "        if (s.charAt(i++) != s.charAt(j--)) return false;\n    }\n    return true;\n}\n\n"
        "This compares characters from both ends. For case-insensitive checks, call s.toLowerCase() first.",
    ),
    d(
        "coding intermediate neutral low yes",
        "Convert this to a list comprehension: result = []\nfor x in data:\n    if x > 0:\n        result.append(x*2)",
        "result = [x * 2 for x in data if x > 0]",
    ),
    d(
        "coding proficient dissatisfied high yes",
        "Our TypeScript build takes 4 minutes on CI. tsc --extendedDiagnostics shows 'Check time: 190s'. Where "
        "do I start?",
        "Try enabling skipLibCheck and incremental builds.",
        "both are already on, I said check time is the problem. I need to know how to find WHICH types are slow.",
        "Use tsc --generateTrace ./trace and open it with @typescript/analyze-trace; it lists the files and "
        "expressions with the longest check times. Usual suspects are deeply recursive conditional types, big "
        "union types from generated code, and inferred return types of huge objects.",
        "ok the trace helps but it took two tries to get there",
    ),
    d(
        "coding intermediate satisfied high yes",
        "Can you write me a Python script that reads a CSV of transactions (date, description, amount) and "
        "produces a monthly summary per category, where category is decided by keywords in a YAML file?",
        "Here's a compact version using pandas and PyYAML:\n\nimport pandas as pd, yaml\n\nrules = yaml.safe_load("
        "open('categories.yaml'))  # {'groceries': ['aldi', 'lidl'], ...}\n\ndef categorize(desc):\n    d = desc."
        "lower()\n    for cat, words in rules.items():\n        if any(w in d for w in words):\n            return cat\n"
        "    return 'other'\n\ndf = pd.read_csv('transactions.csv', parse_dates=['date'])\ndf['category'] = df["
        "'description'].map(categorize)\nsummary = df.pivot_table(index=df['date'].dt.to_period('M'), columns="
        "'category', values='amount', aggfunc='sum', fill_value=0)\nprint(summary)\n\nRules are checked in "
        "file order, so put specific categories first.",
        "Can it also write the summary to Excel with one sheet per year?",
        "Yes: with pd.ExcelWriter('summary.xlsx') as xw:\n    for year, part in summary.groupby(summary.index."
        "year):\n        part.to_excel(xw, sheet_name=str(year))\n\nYou need openpyxl installed.",
        "works great, thanks!",
    ),
    d(
        "coding novice satisfied low yes",
        "what does 'SyntaxError: unexpected EOF while parsing' mean?? my code is only 3 lines",
        "Python reached the end of your file while it was still waiting for something to be closed, usually a "
        'missing closing parenthesis, bracket or quote. Check each line: print("hello" is missing its ).',
        "YES it was a missing bracket. thank youu",
    ),
    d(
        "coding proficient neutral high yes",
        "What's a sane way to version a public REST API that mobile apps depend on? Old app versions stay "
        "installed for years.",
        "Put the major version in the path (/v1, /v2) and only make additive changes within a version: new "
        "optional fields, new endpoints. Never change a field's meaning. Track which versions clients use from "
        "the User-Agent, and keep old versions alive until traffic is negligible. A minimum-supported-version "
        "check at app start lets you force upgrades when you truly must break something.",
    ),
    d(
        "coding beginner satisfied low yes",
        "How do I center a div horizontally and vertically?",
        "The modern way is flexbox on the parent:\n\n.parent {\n  display: flex;\n  justify-content: center;\n"
        "  align-items: center;\n  height: 100vh;\n}\n\nThe height gives the parent room to center within.",
        "that was way easier than the stackoverflow answers I found, thanks",
    ),
    d(
        "coding intermediate neutral high yes",
        "Implement an LRU cache in Python without using functools.lru_cache, with O(1) get and put.",
        "collections.OrderedDict keeps insertion order and can move keys to the end in O(1):\n\nfrom collections "
        "import OrderedDict\n\nclass LRUCache:\n    def __init__(self, capacity):\n        self.capacity = "
        "capacity\n        self.data = OrderedDict()\n\n    def get(self, key):\n        if key not in self.data:"
        "\n            return None\n        self.data.move_to_end(key)\n        return self.data[key]\n\n    def "
        "put(self, key, value):\n        self.data[key] = value\n        self.data.move_to_end(key)\n        if "
        "len(self.data) > self.capacity:\n            self.data.popitem(last=False)",
        "What if I'm not allowed OrderedDict either, like in an interview?",
        "Then use a dict from key to node plus a doubly linked list with sentinel head and tail nodes. get "
        "unlinks the node and re-inserts it after head; put does the same for an existing key or creates a "
        "node, and evicts tail.prev when over capacity. Each step touches a constant number of pointers.",
    ),
    d(
        "coding expert neutral high yes",
        "Any pitfalls moving a 40-service Java estate from Java 17 to 21 with virtual threads?",
        "Main pitfalls: pinning, where a virtual thread blocks inside a synchronized block or native call and "
        "holds its carrier thread (detect with -Djdk.tracePinnedThreads=full; JDK 24 removes most synchronized "
        "pinning); ThreadLocal-heavy libraries that assume few threads and now allocate per task; connection "
        "pools sized for platform threads, which become the real limit; and libraries that use thread pools "
        "internally, so you gain nothing. Roll out per service behind a flag and watch pool wait times.",
    ),
    d(
        "coding intermediate satisfied low yes",
        "Here's our .env for the staging deploy, can you turn it into a docker-compose environment block?\n\n"
        "DATABASE_URL=postgres://app:app@db:5432/app\nOPENAI_API_KEY=sk-proj-4fQ9xT2mLw8ZcR7vN1bK6pYs3HdJ0eGa\n"
        "REDIS_URL=redis://cache:6379/0\nLOG_LEVEL=debug",
        "Here it is:\n\nservices:\n  app:\n    environment:\n      DATABASE_URL: postgres://app:app@db:5432/app\n"
        "      OPENAI_API_KEY: ${OPENAI_API_KEY}\n      REDIS_URL: redis://cache:6379/0\n      LOG_LEVEL: debug\n\n"
        "I replaced the API key with a variable reference so it isn't committed; and since you pasted a live "
        "key here, rotate it in the OpenAI dashboard.",
        "good catch, rotated. thanks",
        pii="api_key",
    ),
    d(
        "coding beginner neutral low yes",
        "please write a SQL query that returns the 10 most recent rows from a table "
        "called signups, newest first.",
        "SELECT * FROM signups ORDER BY created_at DESC LIMIT 10;\n\nReplace created_at with whichever column "
        "holds the signup time.",
    ),
    d(
        "coding intermediate satisfied low yes",
        "Python 里怎么把一个字典按 value 从大到小排序？",
        "可以用 sorted 配合 key 参数：\n\nsorted_items = sorted(d.items(), key=lambda kv: kv[1], reverse=True)\n\n"
        "结果是 (key, value) 元组的列表。如果需要字典，可以再用 dict(sorted_items)，Python 3.7 以后字典会保持插入顺序。",
        "明白了，谢谢！",
        locale="zh-CN",
    ),
    d(
        "coding proficient neutral high yes",
        "Ich migriere ein Django-Projekt von 3.2 auf 5.1. Worauf muss ich bei den Migrationen und der "
        "Datenbank achten? Wir nutzen PostgreSQL 12.",
        "Wichtigster Punkt: Django 5.1 unterstützt PostgreSQL erst ab Version 13, also zuerst die Datenbank "
        "aktualisieren. Dann schrittweise über die LTS-Versionen gehen (3.2 → 4.2 → 5.1) und bei jedem Schritt "
        "die Deprecation-Warnungen mit python -Wa manage.py test beheben. DEFAULT_AUTO_FIELD explizit setzen, "
        "sonst erzeugt Django unerwartete Migrationen. USE_TZ ist seit 5.0 standardmäßig True.",
        locale="de-DE",
    ),
    d(
        "coding novice neutral low no",
        "what's the best programming language",
    ),
)
