"""The care matcher (bot/care.py): real-shaped messages per language, and ordinary ones."""

from __future__ import annotations

import pytest

from bot.care import asks_about_wait, concern_of

# (language, message, category): the writer or someone else, with typos and no accents.
POSITIVES = [
    ("it", "mio marito è caduto e non si alza", "fall"),
    ("it", "mio marito e caduto e nn si alza", "fall"),
    ("it", "la vicina è caduta in bagno", "fall"),
    ("it", "sono caduta e non riesco ad alzarmi", "fall"),
    ("it", "mia madre non risponde al telefono da ieri", "unresponsive"),
    ("it", "mio padre ha un dolore al petto", "chest"),
    ("it", "mia moglie non respira bene", "breath"),
    ("it", "sento puzza di gas in cucina", "gas"),
    ("it", "c'è una fuga di gas", "gas"),
    ("it", "la casa va a fuoco", "fire"),
    ("it", "c'è un incendio nel palazzo", "fire"),
    ("it", "mio marito mi picchia", "violence"),
    ("it", "mi voglio ammazzare", "self_harm"),
    ("it", "non voglio più vivere", "self_harm"),
    ("it", "chiamate un ambulanza", "medical"),
    ("en", "my husband fell and can't get up", "fall"),
    ("en", "my mum is not answering the phone", "unresponsive"),
    ("en", "I have chest pain", "chest"),
    ("en", "he can't breathe", "breath"),
    ("en", "I smell gas in the kitchen", "gas"),
    ("en", "there is a fire in my building", "fire"),
    ("en", "my partner hits me", "violence"),
    ("en", "I want to kill myself", "self_harm"),
    ("ar", "زوجي سقط ولا يستطيع النهوض", "fall"),
    ("ar", "راجلي طاح وما كينوضش", "fall"),
    ("ar", "عندي ألم في الصدر", "chest"),
    ("ar", "أمي لا تتنفس", "breath"),
    ("ar", "ولدي مريض ما كيقدرش يتنفس", "breath"),
    ("ar", "جدي لا يستطيع التنفس", "breath"),
    ("ar", "كاينة ريحة الغاز فالدار", "gas"),
    ("ar", "حريق في العمارة", "fire"),
    ("ar", "زوجي يضربني", "violence"),
    ("ar", "بغيت نموت", "self_harm"),
    ("ar", "rajli ta7 o ma kaynodch", "fall"),
    ("ar", "mmi ma katjawbch f telefon", "unresponsive"),
    ("ar", "kayn ri7a dyal gaz", "gas"),
    ("ar", "che3lat l3afya f dar", "fire"),
    ("ar", "rajli kaydrbni", "violence"),
    ("ar", "bghit nmout", "self_harm"),
    ("ar", "weldi ma kay9derch ytnefes", "breath"),
    ("ro", "soțul meu a căzut și nu se poate ridica", "fall"),
    ("ro", "sotul meu a cazut si nu se poate ridica", "fall"),
    ("ro", "mama nu mai răspunde la telefon", "unresponsive"),
    ("ro", "am o durere în piept", "chest"),
    ("ro", "nu poate să respire", "breath"),
    ("ro", "miroase a gaz în bucătărie", "gas"),
    ("ro", "a luat foc bucătăria", "fire"),
    ("ro", "soțul mă bate", "violence"),
    ("ro", "vreau să mor", "self_harm"),
    ("sq", "burri im ra dhe nuk ngrihet", "fall"),
    ("sq", "nëna nuk përgjigjet në telefon", "unresponsive"),
    ("sq", "kam dhimbje në gjoks", "chest"),
    ("sq", "nuk merr frymë", "breath"),
    ("sq", "vjen erë gazi", "gas"),
    ("sq", "ka zjarr në shtëpi", "fire"),
    ("sq", "burri më rreh", "violence"),
    ("sq", "dua të vdes", "self_harm"),
    ("uk", "Мій чоловік впав і не може встати", "fall"),
    ("uk", "мама не відповідає на дзвінки", "unresponsive"),
    ("uk", "у мене біль у грудях", "chest"),
    ("uk", "він не може дихати", "breath"),
    ("uk", "запах газу в квартирі", "gas"),
    ("uk", "у нас пожежа", "fire"),
    ("uk", "чоловік б'є мене", "violence"),
    ("uk", "я хочу померти", "self_harm"),
    ("zh", "我妈妈摔倒了，起不来", "fall"),
    ("zh", "我爸爸不接电话", "unresponsive"),
    ("zh", "我胸口痛", "chest"),
    ("zh", "他喘不过气", "breath"),
    ("zh", "家里有煤气味", "gas"),
    ("zh", "厨房着火了", "fire"),
    ("zh", "我老公打我", "violence"),
    ("zh", "我想死", "self_harm"),
    # Scams
    ("it", "mi hanno chiesto il codice che mi è arrivato", "scam"),
    ("it", "un finto tecnico vuole il pin della carta", "scam"),
    ("it", "ho ricevuto una telefonata strana dalla banca", "scam"),
    ("en", "someone asked me for the code I got by text", "scam"),
    ("ar", "طلبوا مني الكود اللي وصلني", "scam"),
    ("ar", "tlbo mni lcode li wslni", "scam"),
    ("ro", "mi-au cerut codul primit prin SMS", "scam"),
    ("sq", "më kërkuan kodin që më erdhi", "scam"),
    ("uk", "мене просили назвати код з смс", "scam"),
    ("zh", "有人让我告诉他验证码", "scam"),
    # Loneliness and distress
    ("it", "mi sento solo", "lonely"),
    ("it", "nn ce la faccio piu a stare sempre da sola in casa", "lonely"),
    ("en", "I feel so lonely", "lonely"),
    ("ar", "أشعر بالوحدة", "lonely"),
    ("ar", "ana bo7di f dar", "lonely"),
    ("ro", "mă simt singură", "lonely"),
    ("sq", "ndihem shumë e vetmuar", "lonely"),
    ("uk", "мені самотньо", "lonely"),
    ("zh", "我很孤独", "lonely"),
]

NEGATIVES = [
    "Ci sono eventi a Firenze?",
    "corso di difesa personale",
    "è caduto il governo",
    "il gas della bolletta",
    "corsi di cucina",
    "vorrei prenotare lo spid per mia moglie",
    "mi può dire il codice della prenotazione?",
    "a che ora apre la casa di quartiere?",
    "sono solo interessato agli orari",
    "fuochi d'artificio a capodanno",
    "what events are on this week?",
    "I want to book help for SPID",
    "أريد حجز موعد لمساعدة SPID",
    "Vreau să fac o programare pentru SPID",
    "Dua të rezervoj për SPID",
    "Я хочу записатися на SPID",
    "我想预约SPID帮助",
    "la Casa non risponde al telefono?",
    "quanto costa il corso?",
]


@pytest.mark.parametrize(("language", "message", "category"), POSITIVES)
def test_concerns_are_found_in_every_language(language: str, message: str, category: str) -> None:
    concern = concern_of(message)
    assert concern is not None, (language, message)
    assert concern.category == category, (language, message)


@pytest.mark.parametrize("message", NEGATIVES)
def test_ordinary_messages_are_no_concern(message: str) -> None:
    assert concern_of(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "Скільки чекати?",
        "quanto devo aspettare?",
        "chi mi risponde?",
        "how long?",
        "متى سيرد أحد؟",
        "cât mai aștept?",
        "sa duhet të pres?",
        "要等多久？",
    ],
)
def test_questions_about_the_wait(message: str) -> None:
    assert asks_about_wait(message)


def test_other_questions_are_not_about_the_wait() -> None:
    assert not asks_about_wait("quanto costa il corso?")
    assert not asks_about_wait("ciao")
