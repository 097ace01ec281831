"""Translation and language-learning conversations, and the ones that fit no other topic."""

from __future__ import annotations

from semtel_core.sample_data._drafts import Draft, d

DRAFTS: tuple[Draft, ...] = (
    d(
        "language_translation beginner satisfied low no",
        "how do you say 'where is the train station' in italian",
        '"Dov\'è la stazione (dei treni)?" Pronounced roughly doh-VEH lah stah-TSYOH-neh.',
        "grazie!",
    ),
    d(
        "language_translation intermediate neutral low yes",
        "Translate into German for a business email: 'Please find attached the revised quote. The prices are "
        "valid until the end of the month.'",
        '"Anbei erhalten Sie das überarbeitete Angebot. Die Preise gelten bis Ende des Monats."',
    ),
    d(
        "language_translation proficient dissatisfied high yes",
        "Translate this legal sentence into French, keeping the register: 'The Licensee shall indemnify and "
        "hold harmless the Licensor from any claims arising out of the Licensee's use of the Software.'",
        "« Le Licencié doit indemniser et garder inoffensif le Concédant de toute réclamation résultant de "
        "l'utilisation du Logiciel par le Licencié. »",
        "'garder inoffensif' is a literal calque, no French lawyer writes that",
        "Correct: « Le Licencié garantit le Concédant contre toute réclamation découlant de l'utilisation du "
        "Logiciel par le Licencié et l'indemnisera de toutes les conséquences qui en résulteraient. »",
        "better, but I'll have it checked, the first version was embarrassing",
    ),
    d(
        "language_translation intermediate satisfied low no",
        "What's the difference between 'ser' and 'estar' in Spanish? I keep mixing them up.",
        "Rough rule: ser for what something is (identity, origin, profession, time, material: soy ingeniera, "
        "es de madera) and estar for states and location (estoy cansado, está en Madrid). Some adjectives "
        "change meaning: es aburrido (he's boring) vs está aburrido (he's bored).",
        "the boring/bored example finally made it click, thanks!",
    ),
    d(
        "language_translation expert neutral high yes",
        "I'm localizing a mobile game into Japanese. How should I handle the player's name in dialogue "
        "given honorifics and the lack of plural/gender marking?",
        "Avoid building sentences by concatenating the name into templates designed for English; write full "
        "Japanese lines per context. Let characters address the player with the honorific their relationship "
        "implies (name + さん by default, bare name for close friends) and keep that consistent per "
        "character. Japanese rarely needs pronouns, so gender-neutral text comes naturally; omit 彼/彼女. "
        "Budget for furigana or katakana for player-entered Latin names, and test line lengths, as Japanese is "
        "denser but font size is often larger.",
    ),
    d(
        "language_translation beginner neutral low no",
        "Traduza para o inglês: 'Estou com saudades de você.'",
        "\"I miss you.\" Saudade has no exact English equivalent; 'I miss you' is the natural translation here.",
        locale="pt-BR",
    ),
    d(
        "language_translation intermediate satisfied low yes",
        "请把这句话翻译成英文，要正式一点：我们已收到您的申请，将在五个工作日内给您答复。",
        '"We have received your application and will respond within five business days."',
        "很好，谢谢！",
        locale="zh-CN",
    ),
    d(
        "language_translation novice dissatisfied low no",
        "what does 'arigato gozaimasu' mean",
        "It means 'good morning' in Japanese.",
        "no it doesn't, that's ohayou gozaimasu. it means thank you",
    ),
    d(
        "language_translation intermediate neutral low yes",
        "इस वाक्य का अंग्रेज़ी में अनुवाद करें: 'कृपया बैठक का समय बदलकर शाम 4 बजे कर दें।'",
        '"Please change the meeting time to 4 pm."',
        locale="hi-IN",
    ),
    d(
        "language_translation proficient satisfied high yes",
        "Translate these UI strings to Korean for a banking app: 'Transfer', 'Available balance', 'Your session "
        "has expired. Please log in again.'",
        "'이체', '출금 가능 잔액', '세션이 만료되었습니다. 다시 로그인해 주세요.' '출금 가능 잔액' is the term Korean "
        "banks commonly use for available balance.",
        "Good, matches what our Korean reviewer used. Thanks.",
        locale="ko-KR",
    ),
    d(
        "language_translation beginner satisfied low no",
        "Come si dice 'I'm looking forward to it' in italiano in modo naturale?",
        '"Non vedo l\'ora!" è il modo più naturale e informale. In un contesto formale: "Attendo con '
        'piacere."',
        "Perfetto, grazie mille!",
        locale="it-IT",
    ),
    d(
        "other novice neutral low no",
        "hi",
        "Hi! How can I help you today?",
    ),
    d(
        "other beginner satisfied low no",
        "tell me a fun fact",
        "Octopuses have three hearts: two pump blood through the gills and one through the rest of the body, "
        "and the main one stops beating while they swim, which is one reason they prefer crawling.",
        "haha that's wild, thanks",
    ),
    d(
        "other intermediate neutral low no",
        "What's the etiquette for tipping in Germany at a restaurant?",
        "Tipping is expected but modest: round up or add about 5–10%. Say the total you want to pay when you "
        "hand over the money ('32, bitte' for a 29.50 bill) rather than leaving money on the table.",
    ),
    d(
        "other beginner dissatisfied low no",
        "are you conscious",
        "I'm an AI language model. I don't have consciousness, feelings or experiences; I generate text based "
        "on patterns in data.",
        "that's a canned answer. i wanted an actual discussion",
    ),
    d(
        "other intermediate satisfied low no",
        "Give me three name ideas for a grey rescue greyhound who is very shy.",
        "Misty (soft like her), Pebble (small and quiet, even if she isn't small), or Juniper, which "
        "shortens to Juno once she's brave.",
        "Juno! Perfect, thank you!",
    ),
    d(
        "other novice neutral low no",
        "what day is it",
        "I don't have access to the current date. Your phone or computer clock will show it.",
    ),
    d(
        "other proficient neutral high no",
        "What are the strongest arguments for and against a four-day work week, in a balanced way?",
        "For: trials (e.g. UK 2022 pilot) reported similar output with lower burnout and better retention; "
        "fewer commutes; forces prioritising. Against: results are from self-selected firms; roles with "
        "coverage needs (care, retail, support) need more staff; gains may fade once novelty wears off; and "
        "compressed 4×10 schedules can raise fatigue. The evidence is promising but not yet conclusive for "
        "all sectors.",
    ),
    d(
        "other beginner satisfied low no",
        "¿Qué significa soñar que se te caen los dientes? Sé que no es ciencia, sólo curiosidad.",
        "Es uno de los sueños más comunes. En la tradición popular se asocia con ansiedad, miedo a perder el "
        "control o preocupación por la imagen propia. Científicamente no hay pruebas de que signifique algo "
        "concreto, aunque sí aparece más en épocas de estrés.",
        "Jaja, tiene sentido, estoy de exámenes. ¡Gracias!",
        locale="es-ES",
    ),
)
