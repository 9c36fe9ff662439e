"""DATA: the one table of date words (months, weekdays, relative days) in ru, kk Cyrillic/Latin and en."""

# Nothing here runs: pipelines/dates.py folds these words (lower case, accents dropped, ı read as i, so
# "Dúısenbi", "DÚISENBI" and "Duisenbi" are one key) and pipelines/junk.py builds its bare-date-line pattern
# from them. Keys are languages: "ru", "kk" (Cyrillic), "kk-Latn" (the 2018 acute alphabet qz.inform.kz and
# lat.egemen.kz print, plus the 2021 revision), "en". Where a form was seen is noted (kz-sites §N =
# research/kz-sites.md section N); the rest is grammar (kk locative -да/-де/-та/-те "on", genitive
# -дың/-дің/-ның/-нің/-тың/-тің "of").

# --- Months: number -> spellings -------------------------------------------------------------------------
# ru genitive on tengrinews/zakon/nur ("18 октября 2024", kz-sites §0, §1); Kazinform prints the nominative
# capitalised ("23 Ноябрь 2025", "04 Май 2026") and the genitive ("18 Августа 2026", kz-sites §0, §14);
# tv.ekaraganda "26 Февраля, 2026 10:01" (§10); abbreviations on ratel.kz ("Пятница, 04 Июл 2025", §10).
RU_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("январь", "января", "янв"),
    2: ("февраль", "февраля", "фев", "февр"),
    3: ("март", "марта", "мар"),
    4: ("апрель", "апреля", "апр"),
    5: ("май", "мая"),
    6: ("июнь", "июня", "июн"),
    7: ("июль", "июля", "июл"),
    8: ("август", "августа", "авг"),
    9: ("сентябрь", "сентября", "сен", "сент"),
    10: ("октябрь", "октября", "окт"),
    11: ("ноябрь", "ноября", "ноя", "нояб"),
    12: ("декабрь", "декабря", "дек"),
}
# kk Cyrillic: nominative (Kazinform kk "13:20, 12 Қазан 2021", "14:20, 25 Сәуір 2026", fixture listings),
# 3-letter cuts, then the locative ("2026 жылғы 5 қаңтарда") and genitive ("қаңтардың 5-і") by grammar.
KK_CYRL_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("қаңтар", "қаң", "қаңтарда", "қаңтардың"),
    2: ("ақпан", "ақп", "ақпанда", "ақпанның"),
    3: ("наурыз", "нау", "наурызда", "наурыздың"),
    4: ("сәуір", "сәу", "сәуірде", "сәуірдің"),
    5: ("мамыр", "мам", "мамырда", "мамырдың"),
    6: ("маусым", "мау", "маусымда", "маусымның"),
    7: ("шілде", "шіл", "шілдеде", "шілденің"),
    8: ("тамыз", "там", "тамызда", "тамыздың"),
    9: ("қыркүйек", "қыр", "қыркүйекте", "қыркүйектің"),
    10: ("қазан", "қаз", "қазанда", "қазанның"),
    11: ("қараша", "қар", "қарашада", "қарашаның"),
    12: ("желтоқсан", "жел", "желтоқсанда", "желтоқсанның"),
}
# kk Latin, per month: 2018 nominative, its locative and genitive, then the 2021 spellings where they fold
# differently (Nauryz, Säuir, Mausym, Şilde, Qaraşa) and their cases. Seen: qz.inform.kz "30 Qańtar 2026"
# (kz-sites §2, §13 dataset) and "30 qańtarda" in a qz body sentence; lat.egemen.kz "31 Qazan, 2023",
# "09 Sáýir, 2023" (§7); Kazinform qz listings "11:17, 26 Sáýir 2026" (fixture site). Qañtar/Qyrküiek (2021)
# fold to the 2018 key but are listed so the table reads as the alphabet does.
KK_LATN_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("Qańtar", "Qańtarda", "Qańtardyń", "Qañtar"),
    2: ("Aqpan", "Aqpanda", "Aqpannyń"),
    3: ("Naýryz", "Naýryzda", "Naýryzdyń", "Nauryz", "Nauryzda", "Nauryzdyñ"),
    4: ("Sáýir", "Sáýirde", "Sáýirdiń", "Säuir", "Säuır", "Säuırde", "Säuırdıñ"),
    5: ("Mamyr", "Mamyrda", "Mamyrdyń"),
    6: ("Maýsym", "Maýsymda", "Maýsymnyń", "Mausym", "Mausymda", "Mausymnyñ"),
    7: ("Shilde", "Shildede", "Shildeniń", "Şilde", "Şılde", "Şıldede", "Şıldenıñ"),
    8: ("Tamyz", "Tamyzda", "Tamyzdyń"),
    9: ("Qyrkúıek", "Qyrkúıekte", "Qyrkúıektiń", "Qyrküiek"),
    10: ("Qazan", "Qazanda", "Qazannyń"),
    11: ("Qarasha", "Qarashada", "Qarashanyń", "Qaraşa", "Qaraşada", "Qaraşanyñ"),
    12: ("Jeltoqsan", "Jeltoqsanda", "Jeltoqsannyń"),
}
# en: en.tengrinews, RSS pubDate "Mon, 17 Aug 2026" (kz-sites §1), Kazinform en "22 September 2015" (fixture).
EN_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan"),
    2: ("february", "feb"),
    3: ("march", "mar"),
    4: ("april", "apr"),
    5: ("may",),
    6: ("june", "jun"),
    7: ("july", "jul"),
    8: ("august", "aug"),
    9: ("september", "sep", "sept"),
    10: ("october", "oct"),
    11: ("november", "nov"),
    12: ("december", "dec"),
}
MONTHS: dict[str, dict[int, tuple[str, ...]]] = {
    "ru": RU_MONTHS,
    "kk": KK_CYRL_MONTHS,
    "kk-Latn": KK_LATN_MONTHS,
    "en": EN_MONTHS,
}

# --- Weekdays ----------------------------------------------------------------------------------------------
# ratel.kz "Пятница, 04 Июл 2025, 12:00" (kz-sites §10); header clock "Monday, November 30th, 2020"
# (seeds/004). kk Latin: 2018, then 2021 spellings; "Sárseni" is a misspelling kept from the first table.
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "ru": (
        "понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
        "пн", "вт", "ср", "чт", "пт", "сб", "вс",
    ),
    "kk": ("дүйсенбі", "сейсенбі", "сәрсенбі", "бейсенбі", "жұма", "сенбі", "жексенбі"),
    "kk-Latn": (
        "Dúısenbi", "Seısenbi", "Sárseni", "Sársenbi", "Beısenbi", "Juma", "Senbi", "Jeksenbi",
        "Düisenbı", "Seisenbı", "Särsenbı", "Beisenbı", "Jūma", "Senbı", "Jeksenbı",
    ),
    "en": (
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    ),
}  # fmt: skip

# --- Relative days: word -> days back ----------------------------------------------------------------------
# Seen: tengrinews "Сегодня | 08:02", "Вчера" (kz-sites §0, §1); zakon "13:51, сегодня"; nur "Вчера, 11:22";
# tv.ekaraganda "Вчера, 2026 12:10" (§10). kk and en forms are not seen on sites (kz-sites §0: unverified).
RELATIVE_DAYS: dict[str, dict[str, int]] = {
    "ru": {"сегодня": 0, "вчера": 1, "позавчера": 2},
    "kk": {"бүгін": 0, "кеше": 1},
    "kk-Latn": {"búgin": 0, "keshe": 1, "bügın": 0, "keşe": 1},
    "en": {"today": 0, "yesterday": 1},
}

# --- "N <unit> ago" -----------------------------------------------------------------------------------------
# Unit and ago word must share a language ("5 минут назад", "2 сағат бұрын", "2 hours ago"; "2 часа бұрын" is
# no date). Months and years are too vague for a publication date and are left out.
AGO_WORDS: dict[str, tuple[str, ...]] = {
    "ru": ("назад",),
    "kk": ("бұрын",),
    "kk-Latn": ("buryn", "būryn"),
    "en": ("ago",),
}
AGO_UNITS: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {
        "second": ("секунду", "секунды", "секунд", "сек"),
        "minute": ("минуту", "минуты", "минут", "мин"),
        "hour": ("час", "часа", "часов", "ч"),
        "day": ("день", "дня", "дней"),
        "week": ("неделю", "недели", "недель"),
    },
    "kk": {
        "second": ("секунд", "сек"),
        "minute": ("минут", "мин"),
        "hour": ("сағат", "сағ"),
        "day": ("күн",),
        "week": ("апта",),
    },
    "kk-Latn": {  # 2018 spelling, then 2021 where it folds differently
        "second": ("sekýnd", "sek", "sekund"),
        "minute": ("mınýt", "mın", "minut"),
        "hour": ("saǵat", "saǵ"),
        "day": ("kún",),
        "week": ("apta",),
    },
    "en": {
        "second": ("second", "seconds", "sec", "secs"),
        "minute": ("minute", "minutes", "min", "mins"),
        "hour": ("hour", "hours", "hr", "hrs"),
        "day": ("day", "days"),
        "week": ("week", "weeks"),
    },
}

# --- Decorations: words allowed around a date and ignored ---------------------------------------------------
# nur "Опубликовано: 18 апреля 2024, 10:35" (kz-sites §4); year words "2024 г.", "2026 жылғы 5 қаңтар";
# "в 16:08"; "30th of November"; one-letter cuts of год/жыл ("2024 г.", "2024 ж.").
DECORATION_WORDS: dict[str, tuple[str, ...]] = {
    "ru": ("опубликовано", "обновлено", "дата", "публикации", "г", "год", "года", "в"),
    "kk": ("жарияланды", "жарияланған", "жаңартылды", "жыл", "жылы", "жылғы", "ж"),
    "kk-Latn": ("jarııalandy", "jarııalanǵan", "jańartyldy", "jyl", "jyly", "jylǵy", "j"),
    "en": ("published", "updated", "posted", "on", "at", "of", "st", "nd", "rd", "th"),
}
