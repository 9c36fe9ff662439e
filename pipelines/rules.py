"""DATA for the shared cleaning stage: junk phrases and shapes by concept and language, noting where seen.

Nothing here runs: ``pipelines/boilerplate.py`` compiles these tables once at import and decides with length
and shape guards, so a phrase listed here removes a *line* of widget/chrome text, never a story sentence that
merely mentions it. Phrases are matched case-insensitively after normalisation (NBSP → space, NFC).

Match kinds (chosen per table, see boilerplate.py):
    WHOLE  - the line is the phrase (allowing trailing punctuation/emoji/handles);
    SHORT  - the line starts with the phrase and is short (``SHORT_LINE_CHARS``);
    START  - the line starts with the phrase (any length up to ``MAX_JUNK_LINE_CHARS``);
    INSIDE - the phrase anywhere (only for phrases that never occur in reporting).

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
    ),
    "kk": (
        "Ақтау", "Ақтөбе", "Балқаш", "Байқоңыр", "Жезқазған", "Қарағанды", "Көкшетау", "Қостанай",
        "Қызылорда", "Петропавл", "Талдықорған", "Түркістан", "Орал", "Өскемен", "Қонаев", "Екібастұз",
        "Теміртау", "Жаңаөзен", "Сәтбаев", "Арқалық", "Құлсары",
    ),
    "en": (
        "Almaty", "Astana", "Nur-Sultan", "Aktau", "Aktobe", "Atyrau", "Balkhash", "Baikonur", "Zhezkazgan",
        "Karaganda", "Karagandy", "Kokshetau", "Kostanay", "Kyzylorda", "Pavlodar", "Petropavlovsk",
        "Petropavl", "Semey", "Taldykorgan", "Taraz", "Turkestan", "Turkistan", "Uralsk", "Oral",
        "Ust-Kamenogorsk", "Oskemen", "Shymkent", "Konaev", "Ekibastuz", "Temirtau", "Zhanaozen",
    ),
}  # fmt: skip
# Whole-line measurement shapes of a weather widget: homepage "13°C", data-weather="pressure" "687 hPa".
WEATHER_VALUE_PATTERNS: tuple[str, ...] = (
    r"[+\-−]?\d{1,2}(?:[.,]\d)?\s*(?:°\s*[CСF]?|℃)",  # 13°C, -2 °C, +28℃
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
SHARE_SOCIAL_INSIDE: tuple[str, ...] = (
    "Google News",  # tengrinews/zakon "… в Google News" follow lines (kz-sites §1, §3); short lines only
    # Kazakh puts the verb last: "Kazinform агенттігінің Telegram-арнасына жазылыңыз!" (kk and qz editions)
    "арнасына жазылыңыз",
    "арнамызға жазылыңыз",
    "arnasyna jazylyńyz",
    "arnamyzǵa jazylyńyz",
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
    "kk": ("Оқи отырыңыз", "Тағы оқыңыз", "Сондай-ақ оқыңыз", "Оқыңыз:", "Толығырақ:"),  # kaz.tengrinews / qz
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
    ),
    "kk": ("Тақырыпқа қатысты", "Көп оқылғандар", "Ұқсас жаңалықтар"),
    "en": ("Related news", "Relevant news", "Popular", "Most read"),  # kt.kz "relevant news"
}
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
    ),
    "kk": (
        "Беттегі қате",
        "Басты бет",
        "Барлық жаңалықтар",
        "Жарнама",
        "Байланыс",
        "Әлеуметтік желілер",
    ),  # kaz.zakon (kz-sites §3)
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
    ),
}
PAGE_CHROME_SHORT: dict[str, tuple[str, ...]] = {
    "ru": ("Нашли ошибку?", "Если вы нашли ошибку", "Редакция +7", "Реклама +7"),  # seeds/002, homepage
    "kk": ("Қате тапсаңыз",),
    "en": ("Found a mistake", "Found an error"),
}
PAGE_CHROME_START: dict[str, tuple[str, ...]] = {
    # reprint / copyright notices
    "ru": (
        "При полном или частичном использовании материалов",
        "При использовании материалов",
        "Перепечатка материалов",
        "Все права защищены",
        "Любое использование материалов",
    ),
    "kk": (
        "Материалдарды толық немесе ішінара пайдаланғанда",
        "Материалды көшіріп басқанда",
        "Барлық құқықтар қорғалған",
    ),
    "en": (
        "This information may not be reproduced",  # kt.kz footer (kz-sites §9)
        "All rights reserved",
        "When using materials",
    ),
}
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
VIEW_COUNTER = r"\d[\d\s]*\s*(?:просмотр(?:а|ов)?|views?|қаралым|рет қаралды)"  # diapazon "8447 просмотров"
PHONE_LINE = r"(?:Редакция|Реклама|Тел\.?|Телефон|Байланыс|Phone|Tel\.?)\s*:?\s*\+?\d[\d\s()\-]{6,}"

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
