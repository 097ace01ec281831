"""Career and technology-support conversations."""

from __future__ import annotations

from semtel_core.sample_data._drafts import Draft, d

_WIFI_LOG = """$ ip addr show wlan0
3: wlan0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 3c:22:fb:91:0e:7a brd ff:ff:ff:ff:ff:ff
    inet 169.254.31.207/16 brd 169.254.255.255 scope link wlan0
$ journalctl -u NetworkManager --since "10 min ago" | tail -n 8
Oct 28 19:02:11 thinkpad NetworkManager[812]: <info>  [wlan0] Activation: starting connection 'HomeNet-5G'
Oct 28 19:02:12 thinkpad NetworkManager[812]: <info>  [wlan0] supplicant interface state: associating -> completed
Oct 28 19:02:12 thinkpad NetworkManager[812]: <info>  dhcp4 (wlan0): activation: beginning transaction (timeout in 45 seconds)
Oct 28 19:02:57 thinkpad NetworkManager[812]: <warn>  dhcp4 (wlan0): request timed out
Oct 28 19:02:57 thinkpad NetworkManager[812]: <info>  dhcp4 (wlan0): state changed no lease
Oct 28 19:02:57 thinkpad NetworkManager[812]: <info>  [wlan0] Activation: failed for connection 'HomeNet-5G'
Oct 28 19:02:57 thinkpad NetworkManager[812]: <info>  device (wlan0): state change: ip-config -> failed (reason 'ip-config-unavailable')
$ ping -c 2 192.168.1.1
ping: connect: Network is unreachable"""

DRAFTS: tuple[Draft, ...] = (
    d(
        "career intermediate satisfied high yes",
        "Can you improve my resume summary? 'Hard-working software engineer with 5 years experience. I know "
        "Java, Python and cloud. Looking for new challenges.'",
        '"Backend engineer with 5 years building Java and Python services on AWS, from payment APIs handling '
        "2M requests a day to the data pipelines behind them. I like owning systems end to end, from design to "
        "on-call, and I'm looking for a team where reliability and product impact both matter.\" Swap in your "
        "real numbers; a specific figure beats 'hard-working'.",
        "wow, night and day. thanks a lot!",
    ),
    d(
        "career beginner neutral low no",
        "what should i wear to a job interview at a tech startup",
        "Smart casual is usually safe: clean jeans or chinos, a plain shirt or sweater, clean shoes. A suit can "
        "look out of place at a startup, but being slightly overdressed is better than underdressed. Check the "
        "company's social media photos to get a feel for their style.",
    ),
    d(
        "career proficient dissatisfied high yes",
        "I got an offer: 145k base, 0.1% equity at a Series B. I want to counter at 165k. Write me the email.",
        "Dear Hiring Manager, thank you so much for this amazing opportunity! I'm incredibly excited... would "
        "it be at all possible to consider a slightly higher salary if that's okay?",
        "way too apologetic. I have a competing offer at 160k. I want confident, not begging.",
        "\"Thank you for the offer; I'm excited about the role and the team. I have a competing offer at 160k "
        "base, and given the scope we discussed, I'm asking for 165k base. If we can get there, I'm ready to "
        'sign this week."',
        "that's better but I shouldn't have had to ask twice",
    ),
    d(
        "career novice neutral low no",
        "how do i become a data scientist with no degree",
        "It's harder without a degree but possible. Learn Python, SQL, statistics and basic machine learning "
        "through structured courses; build 3–4 projects on real, messy data and publish them with a clear "
        "write-up; and consider a stepping-stone job, such as data analyst, where SQL and dashboards are "
        "enough to get hired.",
    ),
    d(
        "career intermediate satisfied low yes",
        "Write a short thank-you note after an interview with Maya Chen, head of design at a fintech. We "
        "talked about accessibility in their onboarding flow.",
        "Hi Maya,\n\nThank you for taking the time to talk with me today. I really enjoyed our conversation "
        "about accessibility in the onboarding flow, especially the idea of testing with screen-reader users "
        "early rather than auditing at the end. It made me even more excited about the role.\n\nLooking "
        "forward to hearing about next steps.\n\nBest,",
        "perfect length, sent. thank you!",
        pii="person",
    ),
    d(
        "career expert neutral high yes",
        "I'm a principal engineer being offered a director role. Frame the tradeoffs for me, I've managed "
        "before.",
        "The core trade is leverage through people versus leverage through technical decisions. As director "
        "your output is the org's output: hiring, performance, strategy, cross-team negotiation; your "
        "technical judgment is used indirectly and goes stale over 2–3 years. As principal you keep "
        "depth and influence on architecture but depend on managers to execute. Ask: which problems do you "
        "want to be solving in two years, and is there a credible path back if you don't like it?",
    ),
    d(
        "career beginner satisfied low yes",
        "Redige un CV corto para un puesto de camarero. Tengo 19 años, trabajé un verano en un chiringuito y "
        "hablo inglés. Mi correo es lucas.fernandez.2007@example.com y mi teléfono +34 612 345 678.",
        "Lucas Fernández\nlucas.fernandez.2007@example.com · +34 612 345 678\n\nPerfil: camarero con "
        "experiencia en hostelería de temporada, rápido, simpático y acostumbrado a trabajar bajo presión.\n\n"
        "Experiencia: Camarero, chiringuito (junio–septiembre 2025): servicio de mesas y barra, cobro en "
        "caja, atención a turistas en inglés.\n\nIdiomas: español (nativo), inglés (B2).\n\nDisponibilidad: "
        "inmediata, fines de semana incluidos.",
        "¡Genial, gracias!",
        locale="es-ES",
        pii="person email phone",
    ),
    d(
        "career intermediate dissatisfied high no",
        "My manager gave me a 'meets expectations' rating but I led the biggest project of the year. How do I "
        "push back?",
        "Ratings are often calibrated across teams, so it's best to accept them gracefully and focus on next "
        "year.",
        "I didn't ask whether to accept it, I asked how to push back",
        "Then ask for a meeting, bring specific outcomes of the project tied to your level's expectations, "
        "and ask what 'exceeds' would have required. Request that concrete criteria be written down for the "
        "next cycle.",
        "fine, though you're assuming a lot",
    ),
    d(
        "career proficient satisfied high yes",
        "Give me a 30-60-90 day plan for starting as an engineering manager of an existing team of 7.",
        "Days 1–30 (learn): 1:1 with each report (goals, frustrations, what to keep), meet key stakeholders, "
        "read the last quarter's incidents and roadmap, ship nothing big. Days 31–60 (align): share what you "
        "heard, agree on 2–3 priorities, fix one visible annoyance, set the team's rituals. Days 61–90 "
        "(improve): first growth conversations, hiring plan, measure delivery and on-call health, and present "
        "a 6-month plan.",
        "Exactly the structure I wanted. Thanks!",
    ),
    d(
        "career beginner neutral low no",
        "Je suis en reconversion, j'ai 38 ans, est-ce trop tard pour devenir développeur ?",
        "Non, beaucoup de développeurs se reconvertissent après 35 ans. Votre expérience professionnelle "
        "(relation client, gestion de projet, connaissance d'un secteur) est un atout. Comptez 6 à 12 mois de "
        "formation sérieuse et constituez un portfolio de projets concrets.",
        locale="fr-FR",
    ),
    d(
        "technology_support novice satisfied low no",
        "my phone says storage full, how do i fix it? its an iphone",
        "Go to Settings > General > iPhone Storage to see what's using space. Usually photos and videos are "
        "the biggest: turn on iCloud Photos with 'Optimize iPhone Storage', delete large videos you don't "
        "need, and empty 'Recently Deleted' in Photos. Offloading unused apps also frees space without losing "
        "their data.",
        "recently deleted had 8gb in it lol. fixed, thanks!",
    ),
    d(
        "technology_support intermediate satisfied high no",
        "My Linux laptop connects to WiFi but has no internet. Only this laptop, phone works fine.\n\n"
        + _WIFI_LOG,
        "Association succeeds but DHCP times out, so the laptop falls back to a link-local 169.254.x.x address "
        "and can't reach the router at 192.168.1.1. Since other devices work, suspects are: the router's DHCP "
        "has a MAC filter or reservation conflict for 3c:22:fb:91:0e:7a, or MAC randomization is confusing "
        "it. Try: nmcli connection modify HomeNet-5G 802-11-wireless.cloned-mac-address permanent, then "
        "reconnect. If that fails, check the router's client list or set a static IP temporarily to test.",
        "It was MAC randomization, the router had a max-clients limit and old random MACs were holding leases. "
        "Works now, thank you!",
        pii="ip",
    ),
    d(
        "technology_support beginner dissatisfied low no",
        "printer says offline but its on and connected to wifi",
        "Try restarting the printer and your computer.",
        "did that. twice.",
        "Remove the printer from your computer's printer list and add it again, so it picks up the current IP "
        "address.",
        "still offline. this is pointless",
    ),
    d(
        "technology_support intermediate neutral low no",
        "How do I stop Windows 11 from restarting for updates in the middle of my work?",
        "Set Active Hours: Settings > Windows Update > Advanced options > Active hours, and choose the hours you "
        "usually work (up to 18). Windows won't restart automatically during them. You can also pause "
        "updates for up to five weeks from the same page.",
    ),
    d(
        "technology_support proficient satisfied high no",
        "Our office NAS (Synology) became very slow after a DSM update. Disk health is fine. Where would you "
        "look?",
        "Check Resource Monitor for what's busy: after major updates DSM often re-indexes media (Universal "
        "Search, Synology Photos thumbnails), which can saturate disks for days. Pause indexing during office "
        "hours. Also verify a scheduled data scrub didn't start, check whether the SSD cache was disabled by "
        "the update, and look at Btrfs snapshot replication jobs.",
        "Photos was regenerating thumbnails for 400k images. Paused it, back to normal. Thanks!",
    ),
    d(
        "technology_support novice dissatisfied low no",
        "my grandson set up my email and now i cant find it on the computer",
        "You can access your email by opening your email client or going to your provider's webmail in a "
        "browser.",
        "i don't know what any of that means. i just want my email",
    ),
    d(
        "technology_support beginner satisfied low no",
        "I got locked out of my account. The reset code goes to my old number 555-0147 which I don't have "
        "anymore. My email on the account is tom.brennan62@example.net",
        "Since you can't receive the code, use the account recovery form and choose the option for 'I don't "
        "have access to this phone'. It will ask you to verify with your email address and details like "
        "recent passwords. Once in, update the phone number under security settings. And avoid sharing your "
        "account email and phone in chats like this one.",
        "got back in through the form. thanks a lot!",
        pii="phone email",
    ),
    d(
        "technology_support intermediate neutral high no",
        "Our small office router shows a lot of outbound traffic at night from 192.168.0.23. How do I figure "
        "out what it is?",
        "Find the device first: check the router's DHCP table for the hostname and MAC address of "
        "192.168.0.23 and look up the MAC vendor. If it's a computer, check scheduled tasks, backup or cloud "
        "sync clients. If it's unknown or an IoT device, isolate it on a guest VLAN and look at the "
        "destinations in the router's connection log; traffic to unfamiliar IPs at odd hours is worth a "
        "malware scan.",
        pii="ip",
    ),
    d(
        "technology_support beginner neutral low no",
        "Mein Laptop wird beim Zoomen extrem laut und heiß. Ist das gefährlich?",
        "Kurzfristig nicht: Videokonferenzen belasten Prozessor und Grafik, und der Lüfter dreht hoch. "
        "Stellen Sie den Laptop auf eine harte, freie Fläche (nicht aufs Bett), schließen Sie andere "
        "Programme und schalten Sie virtuelle Hintergründe aus. Wenn er ständig so heiß wird, sollte der "
        "Lüfter gereinigt werden.",
        locale="de-CH",
    ),
    d(
        "technology_support novice satisfied low no",
        "como faço para passar fotos do celular android para o computador?",
        "Conecte o celular ao computador com o cabo USB, desbloqueie a tela e toque na notificação 'Carregando "
        "via USB'; escolha 'Transferência de arquivos'. No computador, abra o celular no Explorador de Arquivos "
        "e copie a pasta DCIM/Camera.",
        "Deu certo, muito obrigada!",
        locale="pt-BR",
    ),
    d(
        "technology_support expert neutral high no",
        "On macOS Sequoia, a LaunchDaemon I install with a pkg postinstall script doesn't load until reboot. "
        "launchctl bootstrap returns 'Input/output error'. Ideas?",
        "Error 5 from bootstrap usually means the service is already loaded in that domain or the plist is "
        "invalid. Run launchctl print system/<label> to see if it's loaded, and bootout before bootstrapping "
        "again. Check ownership (root:wheel, 644) and plutil -lint. On recent macOS, background items also "
        "need user approval unless you deploy an MDM profile with a service management payload; check "
        "sfltool dumpbtm.",
    ),
    d(
        "technology_support intermediate dissatisfied low no",
        "How do I turn off the 'suggested posts' in my Facebook feed permanently?",
        "Go to Settings > Feed preferences > Turn off suggested posts.",
        "that setting doesn't exist. you made it up",
        "You're right that there's no permanent switch. You can only hide suggestions one at a time (the "
        "three dots > Hide) or use the Feeds tab with 'Friends' to see only friends' posts.",
        "so the answer was no. could have said that",
    ),
)
