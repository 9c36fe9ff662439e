"""DATA for the shared cleaning stage: junk phrases and shapes by concept and language, noting where seen.

Nothing here runs: ``pipelines/junk.py`` (one line), ``widgets.py`` (runs of lines) and ``teasers.py`` (the
block after the story) compile these tables once at import and decide with length and shape guards, so a
phrase listed here removes a *line* of widget/chrome text, never a story sentence that merely mentions it.
Phrases are matched case-insensitively after normalisation (NBSP → space, NFC).

Match kinds (chosen per table, see junk.py):
    WHOLE  - the line is the phrase (allowing trailing punctuation/emoji/handles and a counter);
    SHORT  - the line starts with the phrase and is short (``SHORT_LINE_CHARS``);
    START  - the line starts with the phrase (any length up to ``MAX_JUNK_LINE_CHARS``);
    INSIDE - the phrase anywhere (only for phrases that never occur in reporting);
    NOTICE - (anchor, regex): the regex anywhere in a short line that holds the anchor;
    LABEL  - TEASER_LABELS: no junk alone, a block label only at the end of a page.

Sources: seeds/NNN = /work/main/seeds; samples = research/html/_text_samples (ainews dump, 2025-08);
homepage = research/html/tengrinews homepage (2024-10); kz-sites §N = research/kz-sites.md section N.
"""

from __future__ import annotations

# --- CURRENCY_WIDGET -------------------------------------------------------------------------------------
# A widget line = an optional label, then only numbers and currency tokens.
CURRENCY_LABELS: dict[str, tuple[str, ...]] = {
    "ru": (
        "Курс валют",  # seeds/002 tail (tengrinews page text)
        "Курсы валют в банках",  # lada.kz "Курсы валют в банках Актау: 496 588.01 6.42" (kz-sites §10)
        "Курсы валют",  # zakon.kz 2018 widget (kz-sites §3)
        "Курсы Национального Банка РК",  # "$ 498.55 +0.04 … Курсы Национального Банка РК" (brief, kt.kz)
        "Курс Нацбанка",
        "Биржевой курс",
    ),
    "kk": ("Валюта бағамы", "Валюта бағамдары", "Ұлттық банк бағамы"),  # kaz.tengrinews / kaz.zakon headers
    "en": (
        "Currency rates",
        "Exchange rates",
        "National Bank rates",
    ),  # en.tengrinews "Currency rates: usd/kzt …"
}
CURRENCY_TOKENS: tuple[str, ...] = (
    # homepage span.tn-course + img course-up/down.svg → text "501.24  course down" (seeds/002)
    "course", "up", "down", "usd", "eur", "rub", "kzt", "cny", "gbp", "kgs", "uzs", "usd/kzt", "eur/kzt",
    "rub/kzt", "cny/kzt", "$", "€", "₽", "₸", "¥", "£", "…", "...", "|", "▲", "▼", "↑", "↓",
    # row forms of regional headers (general): "USD 479.85", "Доллар 479,85", "1 USD = 479.85 тг"
    "=", "тг", "тенге", "теңге", "доллар", "евро", "рубль", "юань",
)  # fmt: skip

# --- WEATHER_WIDGET --------------------------------------------------------------------------------------
WEATHER_LABELS: dict[str, tuple[str, ...]] = {
    "ru": (
        "Погода",  # seeds/002 tail header, then "location-current" + the city picker
        "Прогноз погоды",  # zakon.kz 2018 meta "прогноз погоды, курсы валют" (kz-sites §3)
        "Температура воды в Каспийском море",  # lada.kz page text (kz-sites §10)
    ),
    "kk": ("Ауа райы", "Ауа райы болжамы"),  # kaz.tengrinews weather widget header
    "en": ("Weather", "location-current"),  # en.tengrinews "Weather: Astana+28+30℃"; seeds/002 icon alt text
}
# Cities of the tengrinews weather <select> (homepage, seeds/002) plus kk/en spellings used by the editions.
KZ_CITIES: dict[str, tuple[str, ...]] = {
    "ru": (
        "Алматы", "Астана", "Нур-Султан", "Актау", "Актобе", "Атырау", "Балхаш", "Байконур", "Жезказган",
        "Караганда", "Кокшетау", "Костанай", "Кызылорда", "Павлодар", "Петропавловск", "Семей",
        "Талдыкорган", "Тараз", "Туркестан", "Уральск", "Усть-Каменогорск", "Шымкент", "Конаев",
        "Экибастуз", "Темиртау", "Жанаозен", "Рудный", "Сатпаев", "Риддер", "Аркалык", "Кульсары",
        "Кентау", "Степногорск", "Лисаковск", "Шахтинск", "Аксу", "Сарыагаш",  # regional widgets (general)
    ),
    "kk": (
        "Ақтау", "Ақтөбе", "Балқаш", "Байқоңыр", "Жезқазған", "Қарағанды", "Көкшетау", "Қостанай",
        "Қызылорда", "Петропавл", "Талдықорған", "Түркістан", "Орал", "Өскемен", "Қонаев", "Екібастұз",
        "Теміртау", "Жаңаөзен", "Сәтбаев", "Арқалық", "Құлсары", "Нұр-Сұлтан", "Сарыағаш", "Ақсу",
    ),
    "en": (
        "Almaty", "Astana", "Nur-Sultan", "Aktau", "Aktobe", "Atyrau", "Balkhash", "Baikonur", "Zhezkazgan",
        "Karaganda", "Karagandy", "Kokshetau", "Kostanay", "Kyzylorda", "Pavlodar", "Petropavlovsk",
        "Petropavl", "Semey", "Taldykorgan", "Taraz", "Turkestan", "Turkistan", "Uralsk", "Oral",
        "Ust-Kamenogorsk", "Oskemen", "Shymkent", "Konaev", "Ekibastuz", "Temirtau", "Zhanaozen",
    ),
    "kk-Latn": (  # the 2018 alphabet of qz.inform.kz / lat.egemen.kz (kz-sites §7) for widget city lists
        "Aqtaý", "Aqtóbe", "Atyraý", "Qaraǵandy", "Kókshetaý", "Qostanaı", "Qyzylorda", "Túrkistan",
        "Óskemen", "Semeı", "Taldyqorǵan", "Jezqazǵan", "Qonaev",
    ),
}  # fmt: skip
# Whole-line measurement shapes of a weather widget: homepage "13°C", data-weather="pressure" "687 hPa".
# widgets.py reads a line as a run of these, each taken whole once it matches: a unit letter is one only
# before a non-letter ("13° Семей": the "С" opens the city).
WEATHER_VALUE_PATTERNS: tuple[str, ...] = (
    r"[+\-−]?\d{1,2}(?:[.,]\d)?\s*(?:°\s*(?:[CСF](?![^\W\d_]))?|℃)",  # 13°C, -2 °C, +28℃
    r"[+\-−]?\d{1,2}(?:[.,]\d)?\s*[CС](?!\w)",  # uakytnews.kz "-24 C", "-0.1 C": no degree sign (reviewer)
    r"\d{3,4}\s*(?:hPa|гПа|мм\s*рт\.?\s*ст\.?|mm\s*Hg)",  # 687 hPa, 742 мм рт. ст.
    r"(?:Влажность|Ылғалдылық|Humidity)\s*:?\s*\d{1,3}\s*%",
    r"(?:Ветер|Жел|Wind)\s*:?\s*\d{1,2}(?:[.,]\d)?\s*(?:м/с|m/s)",
)

# --- SHARE_SOCIAL ----------------------------------------------------------------------------------------
SHARE_SOCIAL_WHOLE: dict[str, tuple[str, ...]] = {
    "ru": (
        "Поделиться",  # tengrinews "ПОДЕЛИТЬСЯ" between lead copies (seeds/002; kz-sites §1)
        "Подписаться",  # tengrinews footer (kz-sites §1, martin-chen-tw tengri crawler)
        "Рассказать друзьям",  # kt.kz (kz-sites §9)
        "Мы в соцсетях",
    ),
    "kk": ("Бөлісу", "Жазылу", "Біз әлеуметтік желілерде"),  # kaz.tengrinews chrome
    "en": ("Share", "Subscribe", "Tell a friend", "Join Telegram"),  # kt.kz; seeds/002
}
# Share-button labels, each alone on a line after the story (general form of share rows).
SOCIAL_NETWORKS: tuple[str, ...] = (
    "Facebook", "Twitter", "Telegram", "WhatsApp", "Instagram", "YouTube", "TikTok", "VK", "ВКонтакте",
    "Одноклассники", "Threads", "LinkedIn",
)  # fmt: skip
SHARE_SOCIAL_SHORT: dict[str, tuple[str, ...]] = {
    "ru": (
        "Поделитесь новостью",  # zakon.kz cut marker (kz-sites §3)
        "Следите за новостями",  # zakon.kz "Следите за новостями … в Google News" (kz-sites §3)
        "Наши новости теперь в",  # tengrinews last <p> "Наши новости теперь в WhatsApp!" (kz-sites §1)
        "Присоединяйтесь к нам",
        "Читайте нас в",
    ),
    "kk": ("Жаңалықтар телефоныңда",),  # kaz.zakon.kz cut marker (kz-sites §3)
    "en": ("Join Telegram", "Join our", "Follow us on", "Share this", "Share on"),  # seeds/002
}
SHARE_SOCIAL_START: dict[str, tuple[str, ...]] = {
    "ru": (
        "Подписывайтесь на наш",  # nur.kz "Подписывайтесь на наш Telegram-канал @sportnurkz . Здесь вы …"
        "Подпишитесь на наш",
        "Подписывайтесь на нас",
        "Подписывайтесь на канал",
        "Подписывайтесь на Telegram",  # inform.kz closing "Подписывайтесь на Telegram-канал Kazinform, …"
        "Самые свежие новости в нашем",
    ),
    "kk": ("Біздің Telegram", "Telegram-арнамызға жазылыңыз", "Арнамызға жазылыңыз", "Жазылыңыз:"),
    "en": ("Subscribe to our", "Follow our Telegram", "Follow us on Telegram"),
}
# Calls to follow the outlet, phrased many ways (general forms, by concept): a ru/en imperative opening the
# line ("^") and naming a channel ("Подпишитесь на канал Sputnik Казахстан в Telegram"), or a kk line ending
# ("$") in the imperative after the channel ("Біздің Instagram парақшамызға жазылыңыз!"). Tried on lines up
# to SUBSCRIBE_CALL_CHARS (a story quoting such a call is longer), "$" ones on the line's last
# SUBSCRIBE_TAIL_CHARS only.
SUBSCRIBE_CALLS: dict[str, tuple[str, ...]] = {
    "ru": (
        r"^(?:подпи(?:сывайтесь|шитесь)|присоединяйтесь|следите за (?:нами|новостями)|читайте (?:нас|наши)"
        r"|смотрите нас)\b.{0,100}?(?:telegram|телеграм|канал|whatsapp|instagram|инстаграм|youtube|дзен"
        r"|tiktok|facebook|вконтакте|\bvk\b|одноклассник|рассылк|соцсет)",
    ),
    "kk": (
        r"(?:telegram|instagram|whatsapp|youtube|facebook|tiktok|арна|парақша|желі)\w*\b.{0,40}?"
        r"(?:жазылыңыз|қосылыңыз|оқыңыз|бақылаңыз)[\W_]*$",
    ),
    "en": (
        r"^(?:subscribe|follow us|join us)\b.{0,80}?(?:telegram|whatsapp|instagram|youtube|facebook|twitter"
        r"|newsletter|channel)",
    ),
}
SUBSCRIBE_CALL_CHARS = 200
SUBSCRIBE_TAIL_CHARS = 80
# kk polite imperatives end so ("жазылыңыз", "оқыңыз"): a "$" call is searched only when its tail has one
SUBSCRIBE_KK_ENDINGS = ("ңыз", "ңіз")
SHARE_SOCIAL_INSIDE: tuple[str, ...] = (
    "Google News",  # tengrinews/zakon "… в Google News" follow lines (kz-sites §1, §3); short lines only
    # Kazakh puts the verb last: "Kazinform агенттігінің Telegram-арнасына жазылыңыз!" (kk and qz editions)
    "арнасына жазылыңыз",
    "арнамызға жазылыңыз",
    "arnasyna jazylyńyz",
    "arnamyzǵa jazylyńyz",
    "arnasyna jazylyñyz",  # the 2021 Latin alphabet (ñ, ğ): lat.egemen.kz fixture pages
    "arnamyzğa jazylyñyz",
)

# --- SOCIAL_EMBED (text of embedded posts) -----------------------------------------------------------------
SOCIAL_EMBED_START: tuple[str, ...] = (
    "Посмотреть эту публикацию в Instagram",  # samples: tengrisport row 3, zakon row 10
    "View this post on Instagram",
    "Смотрите это видео в Instagram",
)
# Author line of an embed, only with its @handle (samples row 3:
# "Публикация от Kazakhstan national football team (@kff_team)");
# "Публикация от 5 мая вызвала скандал" is a story sentence and stays.
SOCIAL_EMBED_AUTHOR = r"(?:Публикация от|A post shared by|Жарияланым авторы) .{1,80}\(@[\w.]{1,40}\)"
# Embed text glued inside a paragraph by an extractor (zakon.kz row 10 of samples): cut exactly this span.
SOCIAL_EMBED_INLINE = r"Посмотреть эту публикацию в Instagram(?: Публикация от [^()]{1,80}\(@[\w.]{1,40}\))?"

# --- READ_ALSO -------------------------------------------------------------------------------------------
READ_ALSO_START: dict[str, tuple[str, ...]] = {
    # "<phrase>: <linked title>" paragraphs; the phrase alone on a line takes the next headline line with it.
    "ru": (
        "Читайте также",  # tengrinews inline "Читайте также: <title>" (12/60 ainews rows; seeds/002)
        "Читайте еще",
        "Смотрите также",
        "Материал по теме",  # zakon.kz (samples row 8)
    ),
    # kaz.tengrinews / qz; "Тағы да оқыңыз" is the general kk form of the block header
    "kk": (
        "Оқи отырыңыз",
        "Тағы оқыңыз",
        "Тағы да оқыңыз",
        "Сондай-ақ оқыңыз",
        "Оқыңыз:",
        "Толығырақ:",
        # the same in Latin script: 2018 (qz.inform.kz, lat.egemen.kz) and 2021 spellings (kz-sites §0, §7)
        "Taǵy oqyńyz",
        "Taǵy da oqyńyz",
        "Tağy oqyñyz",
        "Tağy da oqyñyz",
    ),
    "en": ("Read also", "Read more:", "See also"),
}
READ_ALSO_LISTS: dict[str, tuple[str, ...]] = {
    # block headers followed by a list of headline lines ("Последние новости" left out: also a story subhead)
    "ru": (
        "Новости по теме",  # kt.kz (kz-sites §9)
        "Похожие новости",
        "Самое читаемое",
        "Популярное",
        "Материалы по теме",
        "Обсуждаемое сейчас",  # tengrinews .tn-discussed-now-block (kz-sites §1)
        "Рекомендуем",
        "Похожие материалы",  # general form of the related block (WordPress/Bitrix news themes)
        "Самое популярное",
    ),
    "kk": (
        "Тақырыпқа қатысты",
        "Көп оқылғандар",
        "Ұқсас жаңалықтар",
        "Ең көп оқылған",  # general kk "most read" header
        "Көп оқылған",
        "Ұқсас материалдар",
        "Көп талқыланған",
    ),
    "en": ("Related news", "Relevant news", "Popular", "Most read", "Related articles"),  # kt.kz, general
}
# Headers of a list of other stories that are also plausible story subheads ("Последние новости" of a live
# page): never junk alone; they open a teaser block only at the end of a page (pipelines/teasers.py).
TEASER_LABELS: dict[str, tuple[str, ...]] = {
    "ru": (
        "Последние новости",
        "Главное",
        "Лента новостей",
        "Другие новости",
        "Выбор редакции",
        "Новое",
        "Лента событий",
    ),  # ekaraganda.kz sidebar (kz-sites §10)
    "kk": ("Соңғы жаңалықтар", "Жаңалықтар легі", "Редактор таңдауы", "Күн тақырыбы"),
    "en": ("Latest news", "More news", "Editor's choice", "Top stories"),
}
# A short line naming other stories ("Басқа жаңалықтар", "Свежие записи", "Похожие статьи") is a block
# label at the end of a page whatever its wording: these stems of "news / articles / posts / read / topic"
# make a line of up to TEASER_LABEL_WORDS words one (general form, by concept).
TEASER_LABEL_STEMS: dict[str, tuple[str, ...]] = {
    "ru": ("новост", "материал", "стать", "статей", "запис", "публикац", "читайте", "по теме"),
    "kk": ("жаңалық", "мақала", "материал", "оқыңыз", "тақырып"),
    "en": ("news", "stories", "posts", "articles", "read"),
}
TEASER_LABEL_WORDS = 4
# zakon.kz inline block: "Материал по теме <title> 11:12, 19 августа 2025" (samples row 8).
READ_ALSO_INLINE = r"Материал по теме .{5,200}? \d{1,2}:\d{2}, \d{1,2} [а-яё]+ \d{4}"

# --- PAGE_CHROME -----------------------------------------------------------------------------------------
PAGE_CHROME_WHOLE: dict[str, tuple[str, ...]] = {
    "ru": (
        "Нашли ошибку",  # zakon.kz cut marker (kz-sites §3)
        "18+",  # lada.kz header (kz-sites §10)
        "Главная",
        "Меню",
        "Поиск",
        "Все новости",
        "Еще новости",
        "Комментарии",
        "Редакция",
        "Реклама",
        "Контакты",  # homepage header "Редакция … Реклама"
        "Социальные сети",  # seeds/002 last line
        # comment, account, load-more and policy links of any news CMS (general forms)
        "Оставить комментарий",
        "Добавить комментарий",
        "Комментариев нет",
        "Войти",
        "Регистрация",
        "Загрузка",
        "Показать еще",
        "Показать ещё",
        "Смотреть все",
        "О нас",
        "Политика конфиденциальности",
        "Пользовательское соглашение",
        "Администрация сайта",
        # WordPress/Bitrix comment form fields and site utility links (general forms)
        "Комментарий",
        "Ваш комментарий",
        "Имя",
        "Ваше имя",
        "Ваш email",
        "Сайт",
        "Отправить",
        "Отправить комментарий",
        "Принять",  # cookie banner button
        "Наверх",
        "Архив",
        "Карта сайта",
        "Версия для слабовидящих",
        "Мобильная версия",
        "Скачать приложение",
        "Оцените материал",  # rating widgets (general)
        "Оцените статью",
    ),
    "kk": (
        "Беттегі қате",
        "Басты бет",
        "Іздеу",  # the search link of kk headers (general)
        "Барлық жаңалықтар",
        "Жарнама",
        "Байланыс",
        "Әлеуметтік желілер",  # kaz.zakon (kz-sites §3)
        "Сайт әкімшілігі",  # uakytnews.kz signature under the reprint notice (reviewer report)
        "Пікірлер",  # comment block header and links (general kk forms)
        "Пікір қалдыру",
        "Пікір жазу",
        "Пікір жоқ",
        "Кіру",
        "Тіркелу",
        "Жүктелуде",
        "Тағы көрсету",
        "Барлығын көру",
        "Біз туралы",
        "Құпиялылық саясаты",
        "Пайдаланушы келісімі",
        "Пікіріңіз",  # comment form fields and utility links (general kk forms)
        "Атыңыз",
        "Аты-жөніңіз",
        "Жіберу",
        "Келісемін",
        "Қабылдау",
        "Жоғары",
        "Мұрағат",
        "Сайт картасы",
        "Нашар көретіндерге арналған нұсқа",
        "Мобильді нұсқа",
        "Қосымшаны жүктеу",
        "Мақалаға баға беріңіз",
    ),
    "en": (
        "Skip to Content",  # seeds/004 first line
        "Go to the main site",
        "Main Page",
        "Home",
        "Menu",
        "Search",
        "All news",
        "Advertising",
        "Contacts",
        "Social networks",
        "Comments",
        "Leave a comment",
        "Log in",
        "Sign in",
        "Load more",
        "About us",
        "Privacy policy",
        "Terms of use",
        "Name",
        "Email",
        "E-mail",
        "Website",
        "Submit",
        "Post comment",
        "Accept",
        "Back to top",
        "Sitemap",
        "RSS",
        "App Store",
        "Google Play",
    ),
}
# Section and menu labels, each alone on a line (header menus, rubric lines, sidebar block titles). A line
# that is only one of these is chrome; "Қоғам" inside a sentence is story. General forms of the menus of
# kk/ru national and regional sites, plus the uakytnews.kz labels "Танымал", "Ел аузында" and its "Жаңа"
# teaser header (reviewer report) and basnews.kz "Жаңалықтар".
SECTION_LABELS: dict[str, tuple[str, ...]] = {
    "ru": (
        "Новости", "Главные новости", "Политика", "Экономика", "Общество", "Регионы", "В мире", "Мир",
        "Спорт", "Культура", "Происшествия", "Здоровье", "Образование", "Технологии", "Наука", "Бизнес",
        "Финансы", "Интервью", "Аналитика", "Мнения", "Статьи", "Лента", "Мультимедиа", "Фотогалерея",
        "Спецпроекты", "Колумнисты", "Авто", "Недвижимость", "Экология", "Государство", "Новости Казахстана",
    ),
    "kk": (
        "Жаңалықтар", "Басты жаңалықтар", "Жаңа", "Танымал", "Ел аузында", "Саясат", "Экономика", "Қоғам",
        "Аймақ", "Аймақтар", "Өңір", "Өңірлер", "Әлем", "Спорт", "Мәдениет", "Руханият", "Білім", "Денсаулық",
        "Құқық", "Оқиға", "Оқиғалар", "Тарих", "Әдебиет", "Сұхбат", "Мақалалар", "Көзқарас", "Технология",
        "Ғылым", "Бизнес", "Мультимедиа", "Фотогалерея", "Бейне", "Инфографика", "Арнайы жоба",
        "Арнайы жобалар", "Экология",
    ),
    "en": (
        "News", "Politics", "Economy", "Society", "Regions", "World", "Sport", "Sports", "Culture",
        "Business", "Opinion", "Interview", "Analytics", "Multimedia",
    ),
}  # fmt: skip
PAGE_CHROME_SHORT: dict[str, tuple[str, ...]] = {
    "ru": (
        "Нашли ошибку?",  # seeds/002, homepage
        "Если вы нашли ошибку",
        "Редакция +7",
        "Реклама +7",
        "Комментарии (",  # comment counters "Комментарии (0)" (general)
        "Адрес редакции",  # imprint lines of the footer (general forms)
        "Наш адрес:",
    ),
    "kk": ("Қате тапсаңыз", "Пікірлер (", "Редакция мекенжайы"),
    "en": ("Found a mistake", "Found an error", "Comments ("),
}
PAGE_CHROME_START: dict[str, tuple[str, ...]] = {
    # reprint / copyright notices; tag lists and footer imprint lines (general forms)
    "ru": (
        "При полном или частичном использовании материалов",
        "При использовании материалов",
        "Перепечатка материалов",
        "Все права защищены",
        "Любое использование материалов",
        "Теги:",
        "Тэги:",
        "Ключевые слова:",
        "Главный редактор:",
        "Собственник:",
        "Учредитель:",
        "Свидетельство о постановке на учет",
        "Свидетельство о регистрации",
        "Ваш адрес email не будет опубликован",  # WordPress comment form (general)
        "Ваш e-mail не будет опубликован",
        "Обязательные поля помечены",
        "Разработка сайта",  # developer credit in the footer (general)
        "Создание сайта",
        "Сайт разработан",
    ),
    "kk": (
        "Материалдарды толық немесе ішінара пайдаланғанда",
        "Материалды көшіріп басқанда",
        "Барлық құқықтар қорғалған",
        "Тегтер:",
        "Тег:",
        "Кілт сөздер:",
        "Бас редактор:",
        "Меншік иесі:",
        "Мекенжайымыз:",
        "Куәлік №",
        "Электрондық пошта мекенжайыңыз жарияланбайды",  # comment form (general)
        "Міндетті өрістер",
        "Сайтты әзірлеген",  # developer credit in the footer (general)
        "Сайт әзірлеушісі",
        "Сайтты жасаған",
    ),
    "en": (
        "This information may not be reproduced",  # kt.kz footer (kz-sites §9)
        "All rights reserved",
        "When using materials",
        "Tags:",
        "Editor-in-chief:",
        "Your email address will not be published",
        "Required fields are marked",
        "Website by",
        "Powered by",
    ),
}
# Reprint, copyright and disclaimer notices, phrased many ways: (anchor, regex) pairs, each a concept, not a
# site's sentence. The regex is searched in a line of up to NOTICE_MAX_CHARS only when the line holds the
# anchor, a literal every match contains as written (first letter dropped where a line may open with it:
# "едакци" for "Редакцияның", "eserved" for "Reserved"); the regexes cost ~5 µs a line each. Kazakh
# "сілтеме жасап" ("citing") and "рұқсат" ("permission") are everyday reporting: a link is a notice only
# when obligatory ("міндетті"), asked for ("сұраймыз") or needed ("қажет"), a permission when copying does.
Notice = tuple[str, str]
REPRINT_NOTICES: dict[str, tuple[Notice, ...]] = {
    "ru": (
        # "При использовании материалов ссылка на … обязательна" (general form; PAGE_CHROME_START openings)
        ("обязательн", r"(?:использовани|перепечат|копировани|цитировани|воспроизведени)\w*\s+"
                       r"(?:\S+\s+){0,4}?материал\w*.{0,120}?(?:гипер)?ссылк\w*.{0,80}?обязательн"),
        ("обязательн", r"(?:гипер)?ссылка на .{2,80}? обязательна"),
        # "Перепечатка материалов без разрешения редакции запрещена" (general form)
        ("материал", r"(?:перепечатка|копирование|воспроизведение|распространение)\s+(?:\S+\s+){0,3}?"
                     r"материал\w*.{0,100}?"
                     r"(?:запрещ|без (?:письменного |предварительного )?(?:разрешения|согласия))"),
        ("едакци", r"мнение редакции (?:может )?не (?:всегда )?совпада"),  # under opinion pieces (general)
    ),
    "kk": (
        # uakytnews.kz "…сайт материалдарын пайдаланған кезде … гиперсілтеме жасауыңызды сұраймыз" (reviewer)
        ("ілтеме", r"материал\w*\s+(?:\S+\s+){0,3}?(?:пайдалан|көшір|қайта бас|тарат|жариял)\w*.{0,120}?"
                   r"(?:гипер)?сілтеме\w*\s+(?:\S+\s+){0,2}?(?:міндетті|сұраймыз|қажет|тиіс)"),
        ("ілтеме", r"(?:гипер)?сілтеме\w*\s+(?:(?:жасау|беру|көрсету|қою)\w*\s+)?міндетті"),
        ("ілтеме", r"(?:гипер)?сілтеме\w*\s+(?:жасауыңызды|беруіңізді|көрсетуіңізді|қоюыңызды)\s+сұраймыз"),
        # "көшіріп басу үшін редакцияның рұқсаты қажет", "…жазбаша рұқсатынсыз көшіруге тыйым салынады"
        ("ұқсат", r"(?:редакция|сайт|автор)\w*\s+(?:\S+\s+){0,2}?рұқсат\w*\s+(?:\S+\s+){0,3}?"
                  r"(?:қажет|тыйым|ғана)"),
        ("ұқсат", r"рұқсат\w*\s+(?:\S+\s+){0,3}?(?:көшір|қайта бас|жариял|тарат)\w*\s+(?:\S+\s+){0,2}?тыйым"),
        ("едакци", r"редакция(?:ның)?\s+(?:пікірі|көзқарасы)\s+.{0,60}?сәйкес\s+(?:келмеуі|келмейді)"),
    ),
    "en": (
        ("not be", r"(?:may|must|can)\s*not be (?:reproduced|republished|copied|redistributed)"),
        ("prohibited", r"(?:reproduction|republication|copying)\s+(?:\S+\s+){0,4}?(?:is |are )?(?:strictly )?"
                       r"prohibited"),
    ),
}  # fmt: skip
# Other footer notices, by concept (general forms): copyright words anywhere in a line ("Барлық құқық
# қорғалған © 2024"), the media registration line, and the cookie-consent banner.
FOOTER_NOTICES: dict[str, tuple[Notice, ...]] = {
    "ru": (
        ("права", r"все права (?:защищены|сохранены)"),
        # "Сетевое издание зарегистрировано в Министерстве информации …" (a story's "зарегистрирован в
        # министерстве" needs the outlet word before it)
        ("зарегистрирован", r"(?:сми|издание|газета|сайт)\b.{0,80}?зарегистрирован\w*\s+(?:\S+\s+){0,4}?"
                            r"министерств"),
        ("ookie", r"(?:используе\w+|соглашаетесь)\s.{0,60}?cookie|cookie.{0,80}?(?:используе|соглашаетесь)"),
    ),
    "kk": (
        ("ұқық", r"барлық құқық\w*\s+қорғалған"),
        # "… министрлігінде тіркелген. Куәлік №": "Әділет министрлігінде тіркелген" alone is reporting
        ("іркел", r"тіркел\w*.{0,40}?куәлік"),
        ("іркел", r"(?:ақпарат құралы|басылым|газет|сайт)\w*.{0,80}?министрлі\w*\s+(?:\S+\s+){0,3}?тіркел"),
        ("ookie", r"cookie.{0,80}?(?:пайдалан|келісесіз)|(?:пайдаланамыз|пайдаланады)\s.{0,60}?cookie"),
    ),
    "en": (
        ("eserved", r"all rights reserved"),
        ("ookie", r"(?:uses?|accept)\s.{0,40}?cookies"),
    ),
}  # fmt: skip
NOTICE_MAX_CHARS = 240  # notices seen are one sentence (<= ~200 chars); a longer paragraph is reporting
# A line opening with a copyright mark and naming a year: "© 2024 BasNews.kz. …", "© 1997-2024 ҚазАқпарат",
# "Copyright ©2019 …" (general); "© Reuters" alone is a picture credit (AEB keeps it as article text).
COPYRIGHT_LINE = r"(?:©|\(c\)|Copyright\b).{0,40}?(?<!\d)(?:19|20)\d\d(?!\d)"
# Nav labels: a line of 2+ words, all of them these, is header/footer chrome ("Редакция Реклама", seeds/002).
NAV_WORDS: tuple[str, ...] = (
    "редакция", "реклама", "контакты", "о", "нас", "вакансии", "архив", "правила", "политика",
    "конфиденциальности", "жарнама", "байланыс", "редакциясы", "about", "us", "contacts", "advertising",
    "editorial", "team", "privacy", "policy", "terms",
)  # fmt: skip
# Language switchers: "ру қз qz 中文" (inform.kz), "Рус Қаз Eng" (tengrinews header).
LANGUAGE_SWITCH_WORDS: tuple[str, ...] = (
    "ру", "рус", "русский", "қз", "қаз", "қазақша", "каз", "kz", "qz", "kaz", "ru", "rus", "en", "eng",
    "english", "中文", "qazaq", "qazaqsha", "русча", "tr", "uz",
)  # fmt: skip
BREADCRUMB_HOMES: tuple[str, ...] = ("Main Page", "Главная", "Басты бет", "Home", "Басты")
# Bare site-name lines (seeds/002 "Tengrinews"); agency names below are site names too.
SITE_NAMES: tuple[str, ...] = (
    "Tengrinews", "Tengrinews.kz", "Tengri Sport", "Tengri Auto", "Tengri Life", "Kazinform", "Qazinform",
    "inform.kz", "Zakon.kz", "NUR.KZ", "Informburo.kz", "Kazakhstan Today", "kt.kz", "Lada.kz",
    "Diapazon.kz", "The Astana Times", "Egemen Qazaqstan", "Kursiv", "Kapital.kz",
)  # fmt: skip
# The shapes below are matched whole (junk.py); runs that never give back ("*+", "++") keep a line that
# almost fits from being re-read every way its spaces and digits could split.
VIEW_COUNTER = (  # diapazon "8447 просмотров"; label first "Просмотров: 2 341", "Қаралды: 845" (general)
    r"\d[\d\s]*+(?:просмотр(?:а|ов)?|views?|қаралым|рет қаралды)"
    r"|(?:просмотр\w*|қаралды|қаралым\w*|көрілім\w*|views?)\s*+:?+\s*+\d[\d\s]*+"
)
PHONE_LINE = r"(?:Редакция|Реклама|Тел\.?|Телефон|Байланыс|Phone|Tel\.?)\s*+:?+\s*+\+?+\d[\d\s()\-]{6,}+"
# Reading-time line under a headline: "Время чтения: 4 мин.", "Оқу уақыты: 3 минут", "5 min read" (general)
READING_TIME = (
    r"(?:время чтения|оқу уақыты|reading time)\s*+:?+\s*+\d++\s*+[^\W\d_]*+\.?+"
    r"|\d++\s*+(?:мин\w*|min)\.?+\s*+(?:чтения|оқу|read)"
)
# Footer contact line with its label: "E-mail: info@turkystan.kz" (general). A bare address is not enough:
# news pages sign stories with the reporter's address (AEB: "pillgoo9@gmail.com" is article text).
EMAIL_LINE = (
    r"(?:E-?mail|Эл\.?\s*пошта|Электрондық пошта|Электронная почта|Почта)\s*+:?+\s*+"
    r"[\w.+\-]++@[\w\-]++(?:\.[\w\-]++)++"
)

# --- SITE_SLOGAN ------------------------------------------------------------------------------------------
# A header slogan naming the outlet's places: "Новости Актау и Мангыстау / Ақтау және Манғыстау жаңалықтары"
# (lada.kz), "Главные новости Актобе, Казахстана и мира" and its kk twin (diapazon.kz, kz-sites §10),
# "Новости Атырау" (azh.kz page text). The shape (junk.py): capitalised place names joined by commas or
# "и"/"және" (a generic place word may follow a name or a join), after "новости" (ru) or before
# "жаңалықтары" (kk); two slogans may share a line, joined by "/" or "|"; nothing else is on the line.
# Not "жаңалықтар" ("Соңғы жаңалықтар" is a teaser label), and no English: "X News" is a brand, a menu or a
# subhead ("Fake News"), 200+ such lines in AEB's pages.
SLOGAN_NEWS_FIRST: tuple[str, ...] = ("новости",)
SLOGAN_NEWS_LAST: tuple[str, ...] = ("жаңалықтары",)
SLOGAN_ADJECTIVES: tuple[str, ...] = ("Главные", "Последние", "Свежие", "Актуальные", "Все")
SLOGAN_JOINS: tuple[str, ...] = ("и", "және")
SLOGAN_PLACE_WORDS: tuple[str, ...] = (
    "мира", "страны", "региона", "области", "города", "әлем", "ел", "облысы", "өңір",
)  # fmt: skip
SLOGAN_MAX_PLACES = 5

# --- PROMO_LEGAL -----------------------------------------------------------------------------------------
PROMO_START: dict[str, tuple[str, ...]] = {
    "ru": (
        "Китайских авто все больше на наших дорогах",  # Tengri Auto promo last paragraph (kz-sites §1)
        "Заходите в наш спецпроект",  # same promo
        "Банковская деятельность лицензируется",  # nur.kz "*Банковская …" ("*" is stripped as decoration)
        "Реклама на сайте",  # diapazon.kz "Реклама на сайте diapazon.kz, в Инстаграм @gazeta_diapazon …"
        "На правах рекламы",
        "Партнерский материал",
        "Не является публичной офертой",
    ),
    "kk": ("Жарнама құқығында", "Серіктестік материал"),
    "en": ("Sponsored content", "Advertisement", "Paid content"),
}
PROMO_INSIDE: tuple[str, ...] = (
    "Заходите в наш спецпроект",  # Tengri Auto promo, wherever the extractor glued it (kz-sites §1)
    "спецпроект вселенная китайских авто",
)

# --- PHOTO_CREDIT / SOURCE_CREDIT ------------------------------------------------------------------------
# Caption lines → CleanedBody.photo_credits (samples: "Фото: пресс-служба Allur", "Фото Министерства
# транспорта РК"; kt.kz "Фото: gov.kz"; diapazon "|| Фото из архива «Д»"; zakon/kursiv drop "Фото:"/"Сурет:").
PHOTO_CREDIT_PREFIXES: tuple[str, ...] = (  # followed by ":" / "-" / "—" and the credit
    "Фото", "Фотография", "Фоторепортаж", "Сурет", "Фотосурет", "Photo", "Photos", "Коллаж", "Collage",
    "Иллюстративное фото", "Скриншот", "Кадр из видео", "Видео", "Video", "Источник фото", "Photo source",
    "Sýret", "Foto",  # qz.inform.kz Latin captions "Sýret: Kazinform"
)  # fmt: skip
# No colon: only on a short line without a full stop ("Фото Министерства транспорта РК").
PHOTO_CREDIT_BARE: tuple[str, ...] = (
    "Фото", "Сурет", "Фотосурет", "Photo", "Photo by", "Иллюстративное фото", "Фото из архива", "Sýret",
)  # fmt: skip
# Trailing "Source: Kazakhstan 2050" (seeds/004) → CleanedBody.source_credit.
SOURCE_CREDIT_PREFIXES: tuple[str, ...] = ("Source", "Источник", "Дереккөз", "Дерек көзі", "Ақпарат көзі")

# --- AGENCY DATELINES ------------------------------------------------------------------------------------
# "ASTANA. KAZINFORM –" (seeds/000, 001, 003), "АСТАНА. ҚазАқпарат -",
# "Рудный. 24 августа. KAZAKHSTAN TODAY -" (kt.kz, kz-sites §9).
# Matched case-sensitively after "CITY. [date.]"; SiteRules.agencies adds more.
AGENCIES: tuple[str, ...] = (
    "KAZINFORM", "Kazinform", "КАЗИНФОРМ", "Казинформ", "ҚазАқпарат", "ҚАЗАҚПАРАТ", "QAZINFORM", "Qazinform",
    "KAZAKHSTAN TODAY", "Kazakhstan Today", "КазТАГ", "KazTAG", "Интерфакс-Казахстан", "Interfax-Kazakhstan",
    "Tengrinews.kz", "BNews.kz", "Sputnik Казахстан",
)  # fmt: skip

# --- MARKUP_CHROME (CSS selectors) -----------------------------------------------------------------------
# Elements that never hold story text wherever they sit, even between two story paragraphs. The generic path
# removes the ad slots before trafilatura reads a page (pipelines/genericpage.py); site layouts list both
# with their own drop selectors (crawler/profiles/shared.py).
AD_SLOTS: tuple[str, ...] = (
    # Yandex adfox containers: id="adfox_…" on every tengrinews page [seen homepage 2024-10]; Kazinform body
    # cleaners remove [id*='adfox'] [code Greemq/ainews kazinform_parser.py]
    "[id*='adfox']",
    ".adfox",
    "ins.adsbygoogle",  # AdSense slots [seen tengrinews homepage]
    # Yandex RTB: class="UZznxc yandex_rtb_R-A-2448216-4" on the real tengrinews homepage [seen kz-sites.md
    # §14]; the block id sits inside a class token, which a ".yandex_rtb" class selector misses.
    "[class*='yandex_rtb']",
)
SHARE_WIDGETS: tuple[str, ...] = (
    "[data-share-root]",  # tengrinews share block [code yelzha/tengrinews-open-project]
    ".share",
    ".social-buttons",
)

# --- RECALLED_STORY ---------------------------------------------------------------------------------------
# Openers of the closing sentence that recalls an earlier story and links to it: "Ранее сообщалось, что …"
# (Kazinform ru, kz-sites §11), "Бұған дейін … хабарланған еді." (kk), "Buǵan deıin …" (qz.inform.kz),
# "Напомним, …" (zakon, seeds). Story text, though often one link: the generic path unlinks such a sentence
# so that no link-density check drops it (pipelines/genericpage.py). A following ":" makes a read-also label.
RECALLED_STORY: dict[str, tuple[str, ...]] = {
    "ru": ("Ранее", "Напомним", "Как сообщалось", "Как ранее сообщалось", "Как мы сообщали"),
    "kk": ("Бұған дейін", "Бұдан бұрын", "Еске салайық", "Еске сала кетейік", "Buǵan deıin", "Budan buryn",
           "Eske salaıyq"),
    "en": ("Earlier", "Previously", "As previously reported", "As earlier reported", "As reported earlier",
           "It was earlier reported", "It was reported earlier"),
}  # fmt: skip
