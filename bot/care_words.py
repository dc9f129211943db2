"""The phrases of danger, scams and loneliness, per language, in the matcher's small syntax.

Syntax (see bot/care.py): words separated by spaces match whole words; `word*` also its
inflections (any ending), `*word` any prefix (Arabic clitics: ال، و، ب); `(a|b c)` one of the
alternatives; `tok?` an optional word; `~` up to three words in between. `{P}` stands for
the language's words for a person (husband, mother, neighbour...). Phrases are folded as the
message is (lower case, no accents, doubled consonants single, "nn" -> "non"), so "è caduto",
"e caduto" and "e cadutto" are one phrase. Chinese phrases match anywhere (no spaces).

A bare word that is also an everyday word is never a phrase alone: "caduto" needs a person
("è caduto il governo" is news), "gas" needs a smell or a leak ("il gas della bolletta" is a
bill), "fire" is an English word only ("Firenze").
"""

from __future__ import annotations

PERSONS: dict[str, str] = {
    "it": "(marito|moglie|mamma|madre|papa|padre|nonna|nonno|figlio|figlia|vicino|vicina|"
    "vicini|signora|signore|anziano|anziana|fratello|sorella|zia|zio|amico|amica|suocera|"
    "suocero|compagno|compagna|bambino|bambina|uomo|donna|qualcuno|lui|lei)",
    "en": "(husband|wife|mum|mom|mother|dad|father|grandma|grandmother|grandpa|grandfather|"
    "son|daughter|neighbour|neighbor|brother|sister|aunt|uncle|friend|partner|he|she|someone|"
    "man|woman|lady)",
    "ar": "(*زوجي|*زوجتي|*امي|*ابي|*جدتي|*جدي|*ابني|*بنتي|*ابنتي|*جاري|*جارتي|*راجلي|*مراتي|"
    "*الواليده|*الوالده|*الوالد|ماما|بابا|*اخي|*اختي|هو|هي)",
    "ar-latn": "(rajli|mrati|mi|mama|baba|ba|jdi|jda|weldi|bnti|jari|jarti|khoya|khti|"
    "lwalida|lwalid)",
    "ro": "(sotul|sotia|mama|mami|tata|bunica|bunicul|fiul|fiica|vecinul|vecina|vecinii|"
    "fratele|sora|barbatul|omul|doamna|domnul|copilul|el|ea)",
    "sq": "(burri|gruaja|nena|mamaja|mama|babai|gjyshja|gjyshi|djali|vajza|fqinji|fqinja|"
    "vellai|motra|plaku|plaka|zonja|ai|ajo)",
    "uk": "(чолов*|дружин*|мам*|мати|матір|тат*|батьк*|бабус*|дідус*|син|сина|донька|доньк*|"
    "дочка|сусід*|брат*|сестр*|він|вона)",
}

# category -> language -> phrases
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "fall": {
        "it": (
            "sono (caduto|caduta)",
            "{P} ~ (caduto|caduta|caduti|cade|cadere|cadendo)",
            "(e|è) (caduto|caduta) (e|ed|a|per|in|nel|nella|dalle|dalla|dal|giu|sul|mentre)",
            "non (si|mi) (alza|rialza|alzo|rialzo) (piu|da)",
            "non si rialza",
            "non (riesce|riesco|puo|posso|riusciamo) (a|ad)? (alzarsi|alzarmi|rialzarsi|"
            "rialzarmi|alzarlo|alzarla|rialzarlo|rialzarla|muoversi|muovermi)",
            "(steso|stesa|sdraiato|sdraiata) (a|per) terra",
        ),
        "en": (
            "i (fell|have fallen|had a fall)",
            "{P} ~ (fell|fallen|had a fall)",
            "(can t|cant|cannot|can not|couldn t|unable to) get up",
            "(fell|fallen) (down|over) and",
            "lying on the floor",
        ),
        "ar": (
            "{P} ~ (سقط|سقطت|وقع|وقعت|طاح|طاحت)",
            "(طحت|طاح|طاحت|سقط|سقطت|وقع|وقعت) (على|ف|في)? (*الارض|لارض)",
            "(لا|ما) (يستطيع|تستطيع|استطيع|يقدر|تقدر|نقدر|قادر|قادره|قادرش|يقدرش|تقدرش|"
            "نقدرش|قدرش) ~ (النهوض|الوقوف|يقوم|تقوم|نقوم|ينوض|تنوض|ننوض|يوقف|توقف)",
            "(ما|م) (كينوضش|كتنوضش|كنوضش|بقاش)",
        ),
        "ar-latn": (
            "{P} ~ (ta7|ta7at|tah|tahat|t7at|sqat|ti7)",
            "(t7it|ta7t|tht|te7t)",
            "ma? (kaynodch|kaynoudch|kaynodsh|katnodch|katnoudch|kanodch|makaynodch|makatnodch"
            "|b9ach kaynod|b9at katnod|9adrach ynod|9adach ynod|9adrach tnod|9adrach nnod)",
        ),
        "ro": (
            "am cazut",
            "{P} ~ (a cazut|cazut|cazuta|cade)",
            "a cazut (jos|pe|in|si|de|acasa)",
            "nu (se|ma) (poate|pot|mai poate|mai pot) ridica",
            "nu (poate|pot|mai poate) sa (se|ma) ridic*",
            "nu se mai ridica",
        ),
        "sq": (
            "{P} ~ (ra|ka rene|u rrezua|rrezua)",
            "(kam rene|rashe|u rrezova)",
            "nuk (mund|mundet|mundem|mundemi)? te? (ngrihet|cohet|ngrihem|cohem|ngrihen)",
        ),
        "uk": (
            "{P} ~ (впав|впала|упав|упала)",
            "я (впав|впала|упав|упала)",
            "(впав|впала|упав|упала) (і|й|та) не",
            "(впав|впала|упав|упала) на (підлогу|землю)",
            "не (може|можу|можемо) (встати|підвестися|піднятися)",
            "не встає",
        ),
        "zh": ("摔倒", "跌倒", "摔了一跤", "摔跤", "起不来", "站不起来", "爬不起来"),
    },
    "unresponsive": {
        "it": (
            "{P} ~ non (risponde|risponde piu|apre)",
            "non risponde (piu|da)",
            "(svenuto|svenuta|svenuti)",
            "(privo|priva) di sensi",
            "non si sveglia",
            "non da segni di vita",
        ),
        "en": (
            "{P} ~ (not answering|isn t answering|doesn t answer|won t answer|not responding|"
            "unresponsive|unconscious)",
            "(passed out|fainted|won t wake up|unconscious)",
        ),
        "ar": (
            "{P} ~ (لا|ما) (يرد|ترد|يجاوب|تجاوب|يردش|تردش)",
            "{P} ~ (ما كيجاوبش|ما كتجاوبش|ماكيجاوبش|ماكتجاوبش|كيجاوبش|كتجاوبش)",
            "(مغمى|مغمي|مغشي) عليه*",
            "(فقد|فقدت|فاقد|فاقده) *الوعي",
        ),
        "ar-latn": ("{P} ~ (ma kayjawbch|makayjawbch|ma katjawbch|makatjawbch|ma kayredch)",),
        "ro": (
            "{P} ~ nu (raspunde|mai raspunde|deschide)",
            "nu mai raspunde",
            "(lesinat|lesinata|a lesinat|lesina)",
            "(si a|si-a) pierdut cunostinta",
            "(inconstient|inconstienta)",
        ),
        "sq": (
            "{P} ~ nuk (pergjigjet|pergjigj|hap)",
            "i ra te fiket",
            "ka humbur ndjenjat",
            "pa ndjenja",
        ),
        "uk": (
            "{P} ~ не (відповідає|відповідав|відповідала|бере трубку|відчиняє)",
            "не відповідає (на дзвінки|по телефону|кілька|вже)",
            "знепритомн*",
            "(втратив|втратила) свідомість",
            "без свідомості",
        ),
        "zh": ("不接电话", "没有反应", "昏倒", "晕倒", "昏过去", "晕过去", "不省人事"),
    },
    "chest": {
        "it": (
            "(dolore|dolori|male|fitta|fitte|peso) (al|nel|sul) petto",
            "dolore toracico",
            "infarto",
        ),
        "en": ("chest (pain|pains)", "pain in (my|his|her|the) chest", "heart attack"),
        "ar": (
            "(الم|وجع|ألم) (في|ف)? (*الصدر|صدري|صدره|صدرها)",
            "(نوبه|ازمه|جلطه) قلبيه",
        ),
        "ar-latn": ("(kaydrni|kaydrrni|kaydrh|kaydrha|ydrni) (f)? (sdri|sdro|sdrha)",),
        "ro": (
            "(durere|dureri) (in|la)? piept",
            "(ma|il|o) doare (in)? pieptul",
            "infarct",
        ),
        "sq": (
            "dhimbje (ne)? (gjoks|kraharor)",
            "(me|i) dhemb (gjoksi|kraharori)",
            "infarkt*",
            "sulm (ne)? zemer",
        ),
        "uk": (
            "біль (у|в)? груд*",
            "болить (у|в)? груд*",
            "груди болять",
            "інфаркт*",
            "серцевий напад",
        ),
        "zh": ("胸口痛", "胸口疼", "胸痛", "心脏病发", "心梗"),
    },
    "breath": {
        "it": (
            "non (respira|respiro|respiriamo)",
            "non (riesce|riesco|puo|posso) (a)? respirare",
            "(manca|mancano|mancare) (il|l)? (respiro|fiato|aria)",
            "fatica a respirare",
            "(soffoca|soffoco|soffocando|soffocare)",
        ),
        "en": (
            "(can t|cant|cannot|can not|unable to) breathe",
            "not breathing",
            "(trouble|difficulty|hard to) (breathing|breathe)",
            "short of breath",
            "choking",
        ),
        "ar": (
            "(لا|ما) (يتنفس|تتنفس|اتنفس|نتنفس)",
            "(ما|م) (كيتنفسش|كتتنفسش|كنتنفسش)",
            # "ما كيقدرش يتنفس", "لا يستطيع التنفس": can't breathe, in Darija and in MSA
            "(لا|ما|م) (يستطيع|تستطيع|استطيع|يقدر|تقدر|نقدر|يقدرش|تقدرش|نقدرش|كيقدرش|كتقدرش|"
            "كنقدرش|قادر|قادره) ~ (يتنفس|تتنفس|اتنفس|نتنفس|*التنفس)",
            "(ضيق|صعوبه) (في|ف)? التنفس",
            "(يختنق|تختنق|كيختنق)",
        ),
        "ar-latn": (
            "ma? (kaytnefsch|kaytnefesch|katnefsch|katnefesch|kantnefsch|"
            "maykaytnefsch|makaytnefsch|makatnefsch)",
            "9adrach (ytnefes|tnefes|ntnefes)",
            "ma? (kay9derch|kat9derch|kan9derch) (ytnefes|ttnefes|ntnefes)",
        ),
        "ro": (
            "nu (poate|pot|mai poate|mai pot) (sa)? respir*",
            "nu (respira|mai respira)",
            "(se|ma) sufoca",
        ),
        "sq": (
            "nuk (merr|marr|marrim) fryme",
            "nuk (mund|mundet|mundem) te (marre|marr) fryme",
            "(po mbytet|po mbytem)",
        ),
        "uk": (
            "не (може|можу|могла|міг) дихати",
            "не дихає",
            "задиха*",
            "важко дихати",
        ),
        "zh": ("喘不过气", "呼吸困难", "不能呼吸", "无法呼吸", "没有呼吸", "透不过气"),
    },
    "gas": {
        "it": (
            "(odore|puzza|perdita|fuga|sento|sentiamo|c e) (di|del)? gas",
            "gas (che esce|in casa|in cucina)",
        ),
        "en": ("(smell|smells|smelling) (of)? gas", "gas (leak|leaking)", "leaking gas"),
        "ar": (
            "(رائحه|ريحه|ريحت|رايحه) (*غاز|*البوطا|*بوطا)",
            "تسرب (*الغاز|غاز)",
        ),
        "ar-latn": (
            "(ri7a|riha|ri7t|ri7at|rihat|riht) (dyal|d)? (lgaz|gaz|lbota|bota|lbuta|buta)",
        ),
        "ro": ("miros (de|a)? gaz*", "(scurgere|scapare) de gaz*", "miroase a gaz*"),
        "sq": ("(ere|era|aroma) (e|te)? gaz*", "(rrjedh|rrjedhje|del) (e)? gaz*"),
        "uk": ("запах* газу", "пахне газом", "витік* газу"),
        "zh": ("煤气味", "燃气味", "煤气泄漏", "燃气泄漏", "闻到煤气", "闻到燃气", "天然气泄漏"),
    },
    "fire": {
        "it": (
            "incendio",
            "(va|vanno|preso|prende|prendendo) fuoco",
            "a fuoco",
            "fiamme",
            "(c e|pieno di|piena di) fumo",
        ),
        "en": ("fire", "on fire", "smoke in (the|my)"),
        "ar": (
            "*حريق",
            "(*النار|نار) (في|ف) (*البيت|*الدار|*المطبخ|*الشقه)",
            "(شعلت|شعلات|شاعله|كاينه) *العافيه",
            "*العافيه (في|ف) (*الدار|*البيت|*الكوزينه)",
        ),
        "ar-latn": (
            "(l3afya|l3afia|laafya) (f|fi)? (dar|ddar|lkozina|lkouzina)",
            "(che3lat|ch3lat|cha3la|chaala|ch3lt|ch3elat) (l3afya|l3afia|laafya)",
        ),
        "ro": ("incendiu", "(ia|a luat|au luat|e|este) foc", "arde (casa|bucataria)"),
        "sq": ("zjarr*", "(po digjet|digjet) (shtepia|kuzhina|banesa)"),
        "uk": ("пожеж*", "горить (квартира|будинок|кухня|хата)", "вогонь"),
        "zh": ("着火", "火灾", "失火", "起火"),
    },
    "violence": {
        "it": (
            "mi (picchia|picchiano|maltratta|maltrattano|minaccia|minacciano|colpisce)",
            "mi ha (picchiato|picchiata|minacciato|minacciata|colpito|colpita)",
            "mi (vuole|vogliono) (picchiare|uccidere|ammazzare)",
            "(vuole|vogliono) (picchiarmi|uccidermi|ammazzarmi)",
            "mi (da|dà) (le)? botte",
            "(subisco|subisce|subiamo) violenz*",
            "(ho|abbiamo) paura (di|del) (mio marito|mio figlio|mio compagno|lui)",
            "sta picchiando",
        ),
        "en": (
            "(hits|beats|hit|beat|hurts|beating|hitting|abuses|abusing) (me|us)",
            "(threatens|threatened|threatening) (to kill)? (me|us)",
            "(afraid|scared) of my (husband|partner|son|boyfriend)",
            "domestic (violence|abuse) at home",
        ),
        "ar": (
            "(يضربني|تضربني|كيضربني|كتضربني|ضربني|ضربتني|يعنفني|كيعنفني|يهددني|كيهددني|يؤذيني|"
            "يضربنا|كيضربنا)",
            "عنف (اسري|منزلي)",
        ),
        "ar-latn": ("(kaydrbni|kaydrebni|kaydarbni|katdrbni|drbni|drebni|darbni|kayhdedni)",),
        "ro": (
            "(ma|ne) (bate|bat|loveste|ameninta|agreseaza)",
            "(m a|ne a|m-a|ne-a) (batut|lovit|amenintat)",
            "(mi|ne) e frica de (sotul|el|barbatul|fiul)",
        ),
        "sq": (
            "(me|na) (rreh|rrah|godet|kercenon|kercenojne)",
            "(me|na) ka (rrahur|goditur|kercenuar)",
            "dhun* (ne familje|ne shtepi|familjare)",
            "kam frike nga (burri|ai)",
        ),
        "uk": (
            "(б є|бє|бьє|б ють|бють|побив|побила|б ε) (мене|нас)",
            "(мене|нас) (б є|бє|бьє|б ють|бють|побив|побила)",
            "погрожу* (мене|мені|вбити)",
            "домашн* насильств*",
        ),
        "zh": (
            "(他|她|老公|丈夫|儿子|男友|男朋友)(打我|打了我)",
            "家暴",
            "家庭暴力",
            "虐待我",
            "威胁我",
        ),
    },
    "self_harm": {
        "it": (
            "(uccidermi|ammazzarmi|suicidarmi)",
            "mi (voglio|vorrei) (uccidere|ammazzare|togliere la vita)",
            "(voglio|vorrei) morire",
            "farla finita",
            "togliermi la vita",
            "suicid*",
            "non voglio piu vivere",
            "(farmi|mi faccio) del male",
        ),
        "en": (
            "kill myself",
            "end it all",
            "end my life",
            "(want|wanna|going) to die",
            "suicid*",
            "(hurt|harm) myself",
            "don t want to live",
            "take my (own)? life",
        ),
        "ar": (
            "(*انتحار|انتحر|سانتحر|ننتحر)",
            "(اقتل|أقتل) نفسي",
            "نقتل راسي",
            "(بغيت|ابغى|بدي) (نموت|اموت|موت)",
            "(اريد|أريد) (ان|أن) (اموت|أموت)",
            "(انهي|أنهي) حياتي",
            "ما بقيتش باغي نعيش",
        ),
        "ar-latn": (
            "bghit (nmot|nmout|nmut)",
            "(n9tel|nqtel|nqtl|n9tl) (rasi|rassi)",
            "(ntne7er|nentahr|nentaher|nt7er)",
        ),
        "ro": (
            "(vreau|as vrea) sa mor",
            "sa ma sinucid",
            "sinucid*",
            "(ma omor|sa ma omor)",
            "imi iau viata",
            "nu mai vreau sa traiesc",
            "sa (mi|imi) fac rau",
        ),
        "sq": (
            "(dua|due) te vdes",
            "(vras|vra) veten",
            "vetevras*",
            "t i jap fund jetes",
            "nuk dua (me|te) jetoj",
        ),
        "uk": (
            "хочу (померти|вмерти)",
            "(вбити|вбю|вб ю) себе",
            "накласти на себе руки",
            "самогубств*",
            "суїцид*",
            "не хочу жити",
        ),
        "zh": ("想死", "自杀", "不想活", "结束生命", "轻生", "伤害自己"),
    },
    "medical": {
        "it": (
            "ambulanza",
            "emergenza",
            "(sanguina|sanguinano|sanguinando)",
            "perde (molto)? sangue",
            "ictus",
            "(sto|sta) morendo",
            "(si sente|sentito) male",
            "aiuto aiuto",
        ),
        "en": ("ambulance", "emergency", "bleeding", "stroke", "(is|am|i m) dying"),
        "ar": (
            "(*اسعاف|*الإسعاف|لانبيلانس|امبيلانس|*طوارئ)",
            "(نزيف|ينزف|تنزف|كينزف)",
            "جلطه",
        ),
        "ar-latn": ("(lambulance|lambilans|lambulans|lis3af|l2is3af)",),
        "ro": (
            "ambulant*",
            "(e|este) o urgenta",
            "sangereaz*",
            "pe moarte",
            "accident vascular",
        ),
        "sq": ("ambulanc*", "urgjenc*", "gjakder*", "po vdes"),
        "uk": ("(швидку|швидка|швидкої) допомог*", "викличте швидку", "кровотеч*", "інсульт*"),
        "zh": ("救护车", "急救", "救命", "大出血", "中风", "流血不止"),
    },
    "scam": {
        "it": (
            "(chiesto|chiesta|chiede|chiedono|vuole|vogliono|dare|dato|detto|mandato) ~ (codice|"
            "codici|pin|otp|password|credenziali|dati della carta|numero della carta|iban)",
            "(codice|codici|pin|otp|password|credenziali) ~ (chiesto|chiesta|chiedono|vuole|"
            "vogliono)",
            "(credenziali|password|pin) (dello|del|di)? spid ~ (chiesto|chiede|chiedono|vuole|"
            "vogliono)",
            "(telefonata|chiamata|sms|messaggio) (strana|strano|sospetta|sospetto)",
            "(finto|falso|finta|falsa) (operatore|tecnico|carabiniere|poliziotto|impiegato|nipote"
            "|banca|poste|postino)",
            "(truffa|truffe|truffato|truffata|truffatore|truffatori)",
        ),
        "en": (
            "(asked|asking|asks|want|wants|wanted|give|gave|send|sent|share|tell|told) ~ (code|"
            "codes|pin|otp|password|bank details|card details|card number)",
            "(scam|scammer|scammed|fraud)",
            "suspicious (call|text|sms|message)",
            "(fake|pretending) ~ (bank|police|post office)",
        ),
        "ar": (
            "(طلب|طلبو|طلبوا|يطلب|بغاو|بغا|عطيت|اعطيت|ارسل|صيفط|سولوني) ~ (*الكود|كود|*الرمز|رمز"
            "|*الرقم السري|كلمه السر|كلمه المرور|بيانات البطاقه|معلومات البنك)",
            "(احتيال|نصب|نصاب|شفار|محتال)",
        ),
        "ar-latn": (
            "(tlbo|tlbou|bghaw|bgha|3tit|sifet|sift|tlb) ~ (lcode|code|lkod|kod|pin|lmot de passe)",
        ),
        "ro": (
            "(cerut|cere|cer|vrea|vor|dat|dau|trimis|trimit|spun|spus) ~ (codul|cod|pin|parola|"
            "datele cardului|otp)",
            "(teapa|frauda|inselatorie|escroc|escroci|escrocherie)",
            "(apel|sms|mesaj|telefon) suspect",
        ),
        "sq": (
            "(kerkuan|kerkoi|kerkojne|kerkon|dhashe|dhash|dergova|jap|them) ~ (kodin|kod|pin|"
            "fjalekalim*|te dhenat e kartes|otp)",
            "mashtr*",
            "(telefonate|mesazh|sms) (e|i)? dyshim*",
        ),
        "uk": (
            "(просили|попросили|просить|просять|вимагали|вимагають|дав|дала|надіслав|надіслала|"
            "сказав|сказала|назвав|назвала) ~ (код*|пін*|пароль*|дані картки|cvv|otp)",
            "шахра*",
            "підозріл* (дзвін*|смс|повідомлен*)",
        ),
        "zh": (
            "(要|问我|让我|叫我|给了|告诉)~(验证码|密码|银行卡号|卡号)",
            "诈骗",
            "骗子",
            "可疑电话",
            "可疑短信",
        ),
    },
    "lonely": {
        "it": (
            "mi sento (molto|tanto|cosi|sempre|proprio|troppo)? (solo|sola|soli|sole|triste)",
            "(sono|sto) (sempre|tanto|molto|cosi|troppo) (solo|sola)",
            "(da solo|da sola) (in casa|tutto il giorno|tutti i giorni)",
            "sempre da (solo|sola)",
            "solitudine",
            "non ho nessuno",
            "nessuno mi (chiama|parla|cerca|viene)",
            "non parlo (mai)? con nessuno",
            "(mi sento|sono) (triste|depresso|depressa|abbattuto|abbattuta)",
            "(mi sento|sono) giu di morale",
            "non ce la faccio piu",
        ),
        "en": (
            "i (feel|am|m) (so|very|really|always)? (lonely|alone|sad|depressed)",
            "(loneliness|lonely)",
            "no one to talk to",
            "nobody (calls|visits|talks)",
            "i can t (cope|take it) anymore",
        ),
        "ar": (
            "(وحيد|وحيده|الوحده|وحدتي)",
            "(انا|راني|كنحس|عايش|عايشه) ~ (بوحدي|بحدي)",
            "(حاس|حاسه|احس|أحس|اشعر|أشعر|كنحس) ~ (بالوحده|وحيد|وحيده|حزين|حزينه|بالملل|مقلق|مقلقه)",
            "(ما عندي حتى واحد|ما عندي حد|ليس لدي احد|ليس لي احد)",
        ),
        "ar-latn": (
            "(ana|rani|3aych|3aycha) ~ (bo7di|bohdi|b7di|bwahdi|bwa7di|wahdi|wa7di)",
            "(m9elle9|mqalaq|m9le9|mqelleq|7zin|hzin|mdiga|mdegdeg)",
            "ma 3ndi 7ta (wa7d|had)",
        ),
        "ro": (
            "(ma simt|sunt) (foarte|atat de|mereu|tot timpul)? (singur|singura|trist|trista|"
            "deprimat|deprimata)",
            "singuratate",
            "nu am pe nimeni",
            "nu mai pot (asa|suporta|rezista)",
        ),
        "sq": (
            "ndihem (shume|kaq|gjithmone)? (vetem|i vetmuar|e vetmuar|trist|e trishtuar|"
            "i trishtuar|i merzitur|e merzitur)",
            "jam (shume|krejt|gjithmone|fare) vetem",
            "jam vetem ne shtepi",
            "vetmi*",
            "(s kam|nuk kam) askend",
        ),
        "uk": (
            "(почуваюся|почуваюсь|відчуваю себе|я) (дуже|такою|таким|зовсім)? (самотн*|сумн*)",
            "самотн*",
            "ні з ким поговорити",
            "(нікого немає|немає нікого|нема нікого)",
            "не можу більше так",
        ),
        "zh": (
            "孤独",
            "寂寞",
            "一个人很",
            "没有人陪",
            "没人陪",
            "没人说话",
            "很难过",
            "好难过",
            "伤心",
            "撑不下去",
        ),
    },
}

# While a handoff waits: "how long", "when", "who will answer".
WAIT_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "wait": {
        "it": (
            "quanto (devo|dobbiamo|ci vuole|manca|tempo)",
            "quanto (aspettare|attendere|aspetto)",
            "(quando|chi) (mi|ci)? (risponde|rispondete|risponderete|rispondera|scrive|scrivete"
            "|chiama|chiamate|chiamera)",
            "(sono|siamo) in (coda|attesa|fila)",
            "(devo|dobbiamo) (ancora)? (aspettare|attendere)",
            "arriva qualcuno",
        ),
        "en": (
            "how long",
            "when will (someone|somebody|you|a person|they)",
            "who (will|is going to)? (answer|reply|write|call)",
            "(am i|i am|i m) in (the)? (queue|line)",
        ),
        "ar": (
            "(كم|قداش|شحال) ~ (*انتظر|*نتسنى|*نتسناو|*الانتظار|*نستنى|*الوقت)",
            "(متى|امتى|فوقاش|وقتاش) ~ (*يرد|*يجاوب|*ترد|*تردو|*تجاوبو|*يتصل)",
            "(من|شكون) (*سيرد|*يرد|*غادي يجاوب|*يجاوب)",
        ),
        "ar-latn": (
            "(9dach|chhal|ch7al|chehal) ~ (ntsna|ntsena|ntsenaw|nstna)",
            "(fo9ach|imta|w9tach|f9ach) ~ (yjawbni|yjawbo|tjawbo|tjawbni)",
            "(chkon|chkoun) (ghadi)? (yjawbni|yjawb)",
        ),
        "ro": (
            "cat (trebuie sa|mai|timp)? (astept|asteptam|dureaza)",
            "(cand|cine) (imi|mi|ne)? (raspunde|raspundeti|scrie|suna)",
        ),
        "sq": (
            "sa (duhet te|kam per te|kohe)? (pres|presim)",
            "(kur|kush) (do te|do)? (me|na)? (pergjigj*|shkruan|telefonon)",
        ),
        "uk": (
            "скільки (ще)? (чекати|чекаю|часу)",
            "(коли|хто) (мені|нам)? (відповід*|напиш*|зателефону*)",
        ),
        "zh": ("要等多久", "等多久", "还要等", "什么时候回复", "谁回复", "谁会回复", "多久回复"),
    },
}
