"""Word lists of the entity extractors in the seven languages; a trailing * marks a stem."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import time

from nlu.normalize import align_fold

# (words, days from today, time of day the word implies)
RELATIVE_DAYS: tuple[tuple[tuple[str, ...], int, time | None], ...] = (
    (("dopodomani", "dopo domani", "day after tomorrow", "poimaine", "pasneser", "післязавтра",
      "بعد غد", "بعد بكرة", "بعد بكره", "后天"), 2, None),
    (("stamattina", "stamani", "this morning", "azi dimineata", "sot ne mengjes",
      "сьогодні вранці", "今天上午", "今天早上"), 0, time(9)),
    (("oggi pomeriggio", "this afternoon", "azi dupa-amiaza", "sot pasdite", "今天下午"),
     0, time(15)),
    (("stasera", "stanotte", "tonight", "this evening", "diseara", "sonte", "сьогодні ввечері",
      "今晚", "今天晚上"), 0, time(19)),
    (("domani", "tomorrow", "maine", "neser", "завтра", "zavtra", "غدا", "غداً", "بكرة", "بكره",
      "ghda", "ghedda", "明天", "明日"), 1, None),
    (("oggi", "today", "azi", "astazi", "sot", "сьогодні", "sohodni", "sogodni", "اليوم",
      "lyoum", "lyoma", "今天"), 0, None),
    (("ieri", "yesterday", "dje", "вчора", "أمس", "امس", "البارح", "昨天"), -1, None),
)
DAY_PARTS: dict[str, time] = {
    "mattina": time(9), "mattino": time(9), "pomeriggio": time(15), "sera": time(19),
    "morning": time(9), "afternoon": time(15), "evening": time(19),
    "dimineata": time(9), "dupa-amiaza": time(15), "seara": time(19),
    "ne mengjes": time(9), "mengjes": time(9), "pasdite": time(15), "ne mbremje": time(19),
    "вранці": time(9), "зранку": time(9), "вдень": time(15), "ввечері": time(19),
    "صباحا": time(9), "الصبح": time(9), "مساء": time(19), "上午": time(9), "早上": time(9),
    "下午": time(15), "晚上": time(19),
}
# Monday is 0, as in date.weekday()
WEEKDAYS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("lunedi", "monday", "luni", "e hene", "henen", "понеділ*", "الاثنين", "الإثنين", "الاتنين",
      "ponedil*", "tnin", "星期一", "周一", "礼拜一"), 0),
    (("martedi", "tuesday", "marti", "e marte", "marten", "вівтор*", "الثلاثاء", "التلات",
      "vivtor*", "tlat", "星期二", "周二", "礼拜二"), 1),
    (("mercoledi", "wednesday", "miercuri", "merkure", "merkuren", "серед*", "الأربعاء",
      "الاربعاء", "sered*", "larb3a", "星期三", "周三", "礼拜三"), 2),
    (("giovedi", "thursday", "joi", "enjte", "enjten", "четвер*", "الخميس", "chetver*",
      "lkhmis", "星期四", "周四", "礼拜四"), 3),
    (("venerdi", "friday", "vineri", "premte", "premten", "п'ятниц*", "пятниц*", "الجمعة",
      "piatnyts*", "pyatnyts*", "jem3a", "jemaa", "星期五", "周五", "礼拜五"), 4),
    (("sabato", "saturday", "sambata", "shtune", "shtunen", "субот*", "السبت", "subot*",
      "sebt", "星期六", "周六", "礼拜六"), 5),
    (("domenica", "sunday", "duminica", "e diel", "dielen", "неділ*", "الأحد", "الاحد",
      "nedil*", "l7ed", "星期日", "星期天", "周日", "周天", "礼拜天"), 6),
)
WEEK_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("settimana prossima", "prossima settimana", "next week", "saptamana viitoare",
      "javen e ardhshme", "javen tjeter", "наступного тижня", "наступному тижні",
      "الأسبوع القادم", "الاسبوع القادم", "الأسبوع الجاي", "下周", "下个星期", "下星期"),
     "next_week"),
    (("fine settimana", "weekend", "fine-settimana", "sfarsit de saptamana", "fundjav*",
      "вихідн*", "نهاية الأسبوع", "الويكند", "周末"), "weekend"),
    (("questa settimana", "this week", "saptamana aceasta", "saptamana asta", "kete jave",
      "цього тижня", "цьому тижні", "هذا الأسبوع", "هذا الاسبوع", "这周", "本周", "这个星期",
      "questo mese", "this month", "luna asta", "luna aceasta", "kete muaj", "цього місяця",
      "هذا الشهر", "这个月", "本月"),
     "this_week"),
)
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "it": ("italian*", "italisht", "італійськ*", "итальянск*", "إيطالي", "ايطالي", "الإيطالية",
           "意大利语", "意大利文"),
    "en": ("inglese", "english", "engleza", "anglisht", "англійськ*", "английск*", "angliisk*",
           "إنجليزي", "انجليزي", "انكليزي", "الإنجليزية", "英语", "英文"),
    "ar": ("arabo", "araba", "arabic", "arabisht", "арабськ*", "عربي", "العربية", "阿拉伯语",
           "阿拉伯文"),
    "ro": ("rumeno", "rumena", "romeno", "romena", "romanian", "romana", "romaneste",
           "rumanisht", "румунськ*", "روماني", "الرومانية", "罗马尼亚语"),
    "sq": ("albanese", "albanian", "albaneza", "shqip*", "албанськ*", "ألباني", "الباني",
           "الألبانية", "阿尔巴尼亚语"),
    "uk": ("ucraino", "ucraina", "ukrainian", "ucraineana", "ukrainisht", "українськ*",
           "украинск*", "ukrainsk*", "أوكراني", "اوكراني", "الأوكرانية", "乌克兰语"),
    "zh": ("cinese", "chinese", "chineza", "kinezisht", "китайськ*", "صيني", "الصينية", "中文",
           "汉语", "普通话", "华语", "zhongwen", "hanyu", "putonghua"),
}


def pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One regex for folded text matching any of the words; "stem*" also matches "stems"."""
    alternatives = []
    for word in sorted(set(words), key=len, reverse=True):
        stem, bare = word.endswith("*"), align_fold(word.rstrip("*"))
        if _joined(bare):
            alternatives.append(re.escape(bare))
        else:
            tail = r"\w*" if stem else ""
            alternatives.append(rf"(?<!\w){re.escape(bare)}{tail}(?!\w)")
    return re.compile("|".join(alternatives))


def _joined(word: str) -> bool:
    # Chinese has no spaces and Arabic glues articles and prepositions on ("بالعربية"):
    # a word boundary would miss them, so they match anywhere
    return any("\u4e00" <= c <= "\u9fff" or "\u0600" <= c <= "\u06ff" for c in word)

NEED_WORDS: dict[str, tuple[str, ...]] = {
    "shopping": (
        "spesa", "spese", "supermercat*", "alimentari", "comprare", "farmacia", "medicine",
        "shopping", "grocer*", "supermarket", "cumparatur*", "magazin*", "alimente", "pazar*",
        "blerj*", "spesen", "ushqim*", "dyqan*", "покупк*", "продукт*", "магазин*", "аптек*",
        "compra", "comprarmi", "pane", "pharmacy", "farmacie", "nt9eda", "التقضية", "يشري",
        "الخضرة", "الدوا", "تسوق", "مشتريات", "بقالة", "سوبرماركت", "صيدلية", "买菜", "购物",
        "شراء", "الخضار", "خضار", "أشتري", "اشتري", "تشتري", "يشتري", "пакунк*", "закуп*",
        "超市", "买东西", "药店",
    ),
    "transport": (
        "trasport*", "accompagn*", "passaggio", "passaggi", "macchina", "ospedale",
        "visita medica", "dal medico", "dal dottore", "analisi", "lift", "ride", "transport*",
        "hospital", "doctor", "spital*", "medic", "doctorul", "mjek*", "shoqeroj*", "підвезт*",
        "accompany", "medical*", "insot*", "السبيطار", "طوموبيل", "лікар*", "транспорт*", "توصيل",
        "نقل", "مستشفى", "طبيب", "接送", "送我", "看病", "医院",
        "医生",
    ),
    "company": (
        "compagnia", "solo", "sola", "soli", "sole", "solitudine", "chiacchier*", "company",
        "lonely", "alone", "loneliness", "singur*", "companie", "vetem", "vetmi*", "vetmuar*",
        "shoqeri", "самотн*", "сама", "ні з ким", "компані*", "وحيد", "وحيدة", "الوحدة", "رفقة",
        "يرافق*", "بوحدو", "بوحدها", "孤独", "孤单", "独居", "陪", "一个人", "聊天",
    ),
    "street": (
        "buca", "buche", "strada", "strade", "marciapied*", "asfalto", "tombin*", "dissestat*",
        "pothole*", "road", "pavement", "sidewalk", "groapa", "gropi", "drum*", "trotuar*",
        "grop*", "rruge*", "rruga", "ям*", "yam*", "дорог*", "тротуар*", "حفرة", "حفر", "الشارع",
        "الطريق", "رصيف", "坑", "路面", "马路", "人行道", "井盖",
    ),
    "waste": (
        "rifiuti", "spazzatura", "immondizia", "cassonett*", "sacchi", "differenziata",
        "ingombrant*", "materasso", "mattress", "cestin*", "discaric*", "gunoa*", "zbel",
        "الزبل", "الأزبال", "ازبال", "rubbish", "garbage", "trash", "waste", "gunoi*", "deseuri",
        "mbeturin*", "pleh*", "смітт*", "смітник*", "smitt*", "мусор*", "контейнер*", "меблі",
        "قمامة", "زبالة", "نفايات", "垃圾",
    ),
    "lighting": (
        "lampion*", "luce", "luci", "light", "lights", "lumin*", "dow", "الضو", "illuminazione",
        "buio", "street light*", "streetlight*",
        "lamp*", "bec*", "iluminat*", "stalp*", "drita", "drite", "ndricim*", "llamb*", "ліхтар*",
        "фонар*", "освітлен*", "світло", "темно", "إنارة", "انارة", "مصباح", "ضوء", "路灯", "照明",
        "灯",
    ),
}

# Who a booking is for, after "per"/"for"/"для"...: the words kept as the resident wrote them.
PERSON_PATTERNS: tuple[str, ...] = (
    r"(?<!\w)(?:per|x)\s+(?P<who>(?:la\s+|il\s+|lo\s+)?(?:mia|mio|mi|nostra|nostro)\s+"
    r"(?:moglie|marito|madre|mamma|padre|papa|figlio|figlia|nonno|nonna|suocera|suocero|"
    r"sorella|fratello|zio|zia|vicina|vicino|nipote|amica|amico|compagna|compagno|cognata|"
    r"cognato))(?!\w)",
    r"(?<!\w)for\s+(?P<who>(?:my|our)\s+(?:wife|husband|mother|mum|mom|father|dad|son|"
    r"daughter|grandmother|grandma|grandfather|grandpa|neighbou?r|sister|brother|aunt|uncle|"
    r"friend|mother-in-law|father-in-law))(?!\w)",
    r"(?<!\w)pentru\s+(?P<who>(?:sotia|sotul|mama|tata|tatal|fiul|fiica|bunica|bunicul|"
    r"vecina|vecinul|sora|fratele)(?:\s+(?:mea|meu))?)(?!\w)",
    r"(?<!\w)per\s+(?P<who>(?:gruan|burrin|nenen|mamane|babain|djalin|vajzen|gjyshen|gjyshin|"
    r"fqinjin|fqinjen|motren|vellain)(?:\s+(?:time|tim))?)(?!\w)",
    r"(?<!\w)для\s+(?P<who>(?:моеи|моєї|мого|моеї)\s+(?:дружини|мами|матері|матери|доньки|"
    r"дочки|бабусі|бабуси|сестри|сусідки|сусидки)|(?:мого)\s+(?:чоловіка|чоловика|батька|тата|"
    r"сина|дідуся|дидуся|брата|сусіда|сусида))(?!\w)",
    r"(?<!\w)ل(?P<who>(?:زوجتي|زوجي|أمي|امي|والدتي|أبي|ابي|والدي|ابني|إبني|بنتي|ابنتي|جدتي|"
    r"جدي|جارتي|جاري|أختي|اختي|أخي|اخي))(?!\w)",
    r"(?:给|为|替|帮)(?P<who>我?(?:妻子|老婆|丈夫|老公|妈妈|母亲|爸爸|父亲|儿子|女儿|奶奶|"
    r"爷爷|外婆|外公|邻居|姐姐|妹妹|哥哥|弟弟))",
)
