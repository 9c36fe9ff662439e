"""Data of the language identifier: alphabets, function words, spelling markers, scripts, Lingua's languages.

Letters and words are lower case. Sources: the official alphabets (Kazakh Cyrillic and the 2017/2018 Latin
decrees, Kyrgyz, Tatar, Bashkir, Uzbek, Tajik, Mongolian Cyrillic), Unicode script blocks, and the labelled
paragraphs in tests/pipelines/data/lang_paragraphs.jsonl for the function words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lingua import Language

# --- Scripts ----------------------------------------------------------------------------------------------
# Other scripts: (ISO 15924, pattern, language or None when Lingua must choose among LINGUA_LANGUAGES).
OTHER_SCRIPTS: tuple[tuple[str, re.Pattern[str], str | None], ...] = (
    ("Arab", re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"), None),
    ("Jpan", re.compile("[\u3040-\u30ff]"), "ja"),  # kana first: Japanese text also uses Han
    ("Hani", re.compile("[\u3400-\u4dbf\u4e00-\u9fff]"), "zh"),  # simplified vs traditional not told
    ("Kore", re.compile("[\uac00-\ud7af\u1100-\u11ff]"), "ko"),
    ("Grek", re.compile("[\u0370-\u03ff]"), "el"),
    ("Armn", re.compile("[\u0530-\u058f]"), "hy"),
    ("Geor", re.compile("[\u10a0-\u10ff]"), "ka"),
    ("Hebr", re.compile("[\u0590-\u05ff]"), "he"),
    ("Thai", re.compile("[\u0e00-\u0e7f]"), "th"),
    ("Deva", re.compile("[\u0900-\u097f]"), "hi"),
)
# Kazakh Arabic script (China's Xinjiang press): the high hamza and the hamza-vowel letters are its own.
KK_ARABIC_LETTERS = re.compile("[\u0674\u0675\u0676\u0678]")

# --- Cyrillic alphabets: letters each language adds to Russian's 33, and Russian letters it lacks ---------
CYRILLIC_EXTRA: Mapping[str, str] = {
    "ru": "",
    "kk": "әғқңөұүһі",
    "ky": "ңөү",
    "tt": "әөүҗңһ",
    "ba": "әғҡҙңөүһҫ",
    "uz": "ўқғҳ",
    "tg": "ғӣқӯҳҷ",
    "mn": "өү",
    "uk": "іїєґ",
    "be": "іў",
    "bg": "",
    "sr": "ђјљњћџ",
    "mk": "ѓѕјљњќџ",
}
CYRILLIC_MISSING: Mapping[str, str] = {
    "uz": "щы",
    "tg": "цщыь",
    "uk": "ёъыэ",
    "be": "иъщ",
    "bg": "ёыэ",
    "sr": "ёйщъыьэюя",
    "mk": "ёйщъыьэюя",
}
RUSSIAN_ONLY = re.compile("[ыэё]")  # among ru, bg, sr, mk (the Cyrillic languages without extra letters)
RUSSIAN_ONLY_WORDS = frozenset("что это также для его был была было были года который которые после".split())
CYRILLIC_SPECIAL = re.compile("[" + "".join(sorted(set("".join(CYRILLIC_EXTRA.values())))) + "]")
CYRILLIC_EXTRA_SETS = {lang: frozenset(extra) for lang, extra in CYRILLIC_EXTRA.items() if extra}

# --- Function words and markers (lower case), for ties between alphabets and for the fast paths ----------
FUNCTION_WORDS: Mapping[str, frozenset[str]] = {
    "kk": frozenset(
        "және мен деп бұл осы үшін бойынша туралы болып жылы оның еді бар жоқ да де қазақстан деген жаңа "
        "сондай-ақ қатысты арқылы кейін дейін".split()
    ),
    "ky": frozenset(
        "жана менен деп бул ушул үчүн боюнча тууралуу болуп жылы анын эле бар жок дагы кыргызстан жаңы "
        "кыргыз деген ошондой аркылуу кийин чейин".split()
    ),
    "tt": frozenset(
        "һәм белән дип бу шушы өчен буенча турында булып елда аның иде бар юк та тә татарстан дигән яңа "
        "шулай ук аша соң кадәр".split()
    ),
    "ba": frozenset("һәм менән тип был өсөн буйынса тураһында булып йылда башҡортостан яңы".split()),
    "uz": frozenset("ва билан учун бўйича ҳақида йил йилда мазкур ҳам ўзбекистон қилди янги".split()),
    "mn": frozenset("нь байна юм болон энэ гэж монгол байгаа ба улаанбаатар".split()),
    "ru": frozenset("и в на что с по не из за для от как это также его был была года при о к".split()),
}
# Kyrgyz long vowels (тандоо, жүргүзүү) and genitive -нын/-дын/-тын/-дун/-тун: Kazakh writes neither
# (-ның), and Russian words hardly end so ("-тин" of "Путин", "-дин" of "один", "-нун" of "канун" left out).
# Mongolian genitive -ийн/-ийг, past -лаа/-лээ/-лоо/-лөө/-сан/-сэн and the particle "нь".
SPELLING_MARKERS: Mapping[str, re.Pattern[str]] = {
    "ky": re.compile(r"оо|өө|үү|ээ|(?:нын|дын|тын|дун|тун)\b"),
    "mn": re.compile(r"ий[нг]|(?:лаа|лээ|лоо|лөө|сан|сэн)\b|\bнь\b"),
}
# When the special letters fit several alphabets equally well (ң ө ү: kk ky tt ba) and the words do not
# settle it, the language whose alphabet needs the fewest letters the text lacks wins: a paragraph of ң ө ү
# with no ә ғ қ ұ і is not Kazakh.
TIE_ORDER: tuple[str, ...] = ("ky", "tt", "ba", "uz", "tg", "kk", "uk", "be", "mn", "sr", "mk")
LATIN_FUNCTION_WORDS: Mapping[str, frozenset[str]] = {
    # Kazakh Latin (2018 acute alphabet of qz.inform.kz, and the same words without diacritics); "men",
    # "bar", "da", "de" left out: English and Portuguese words too (AEB pages came out Kazakh with them)
    "kk": frozenset(
        "jáne jane dep bul osy úshin ushin boıynsha boiynsha turaly bolyp jyly onyń joq degen qatysty "
        "arqyly keıin deıin qazaqstan habarlaıdy jańa".split()
    ),
    # Uzbek Latin; "bu", "ham", "esa" left out: Turkish and Spanish words too
    "uz": frozenset(
        "va bilan uchun boʻyicha haqida yil yilda mazkur oʻzbekiston qildi qilindi tomonidan boʻldi boʻlib "
        "yangi shahri shahrida viloyati viloyatida nafar koʻra ortiq mumkin xalqaro davlat".split()
    ),
}
EN_FUNCTION_WORDS = frozenset(
    "the of and to a in is was that with for on by from has have had been will would said are were this "
    "which it its their after also be an as at".split()
)
WORD = re.compile(r"[^\W\d_]+(?:[-ʻ][^\W\d_]+)*")
APOSTROPHES = re.compile("['’‘`ʼ]")  # all written as ʻ (U+02BB, a letter: boʻyicha stays one word)

# --- Latin-script Turkic -------------------------------------------------------------------------------
# Kazakh Latin of 2018 (qz.inform.kz): á ǵ ı ń ó ú ý. Turkish and Azerbaijani have ı but no acutes;
# Czech, Polish, Spanish have acutes but no ı; ǵ is Kazakh alone (and Karakalpak, not told apart here).
KK_LATIN_DOTLESS = "ı"
KK_LATIN_ACUTES = re.compile("[áǵńóúý]")
KK_LATIN_ONLY = "ǵ"
# Kazakh Latin of 2017: apostrophe letters n' s' c' y' i' u' (also a' o' g', which Uzbek shares: oʻ gʻ and
# the tutuq belgisi of maʼlum). Turkish puts apostrophes after names (Ankara'da), but has no q.
# English contractions (don't, you're, you'd, we'll) are not such letters.
KK_APOSTROPHE_LETTERS = re.compile(r"[nscyiu]ʻ(?!(?:s|t|d|ll|re|ve|m)\b)(?=[^\W\d_])")
UZ_APOSTROPHE_LETTERS = re.compile("[og]ʻ")

# --- Lingua ----------------------------------------------------------------------------------------------
# What Lingua is asked about: the Cyrillic languages it knows (kk ru uk be bg mk sr mn), the Latin ones a
# KZ news site may carry (en tr az + big European), and the Arabic-script ones. Fewer languages = faster
# and fewer false friends; anything else in these scripts comes out as its nearest neighbour here.
LINGUA_LANGUAGES: tuple[Language, ...] = (
    Language.KAZAKH,
    Language.RUSSIAN,
    Language.UKRAINIAN,
    Language.BELARUSIAN,
    Language.BULGARIAN,
    Language.MACEDONIAN,
    Language.SERBIAN,
    Language.MONGOLIAN,
    Language.ENGLISH,
    Language.TURKISH,
    Language.AZERBAIJANI,
    Language.GERMAN,
    Language.FRENCH,
    Language.SPANISH,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.DUTCH,
    Language.POLISH,
    Language.CZECH,
    Language.INDONESIAN,
    Language.ARABIC,
    Language.PERSIAN,
    Language.URDU,
)
