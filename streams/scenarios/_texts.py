"""Text templates of the scenario's public posts, written for the project (no real person's words).

Languages: ``en`` English, ``hi`` Hindi (Devanagari), ``bn`` Bengali (Bengali script) and ``mx``
code-mixed romanised Bengali/Hindi. Placeholders: ``{place}`` (a real village or town, always in
Latin script so it can be checked against the gazetteer), ``{district}`` (in the post's script),
``{n}`` (people, families), ``{h}`` (hours). Phone numbers are fictional (+91 90000 0xxxx).
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("en", "hi", "bn", "mx")
#: X API ``lang`` of each template language (code-mixed romanised text is undetermined).
X_LANG: dict[str, str] = {"en": "en", "hi": "hi", "bn": "bn", "mx": "und"}

INCIDENT_TYPES: tuple[str, ...] = (
    "flood", "roof", "embankment", "collapse", "road_blocked", "food_water", "power_lines", "medical", "missing",
)  # fmt: skip

INCIDENT: dict[str, dict[str, tuple[str, ...]]] = {
    "flood": {
        "en": ("Water has entered every house in {place}, {district}. Water level still rising, we need boats and dry food #Amphan",
               "{place} ({district}) completely flooded after Amphan, {n} families in water since last night. Please send help"),
        "hi": ("{place}, {district} में घरों में पानी घुस गया है, पानी बढ़ रहा है। नाव और सूखा खाना भेजिए #Amphan",
               "{place} गाँव पूरी तरह डूब गया है, {n} परिवार फँसे हैं। मदद चाहिए"),
        "bn": ("{place}, {district}-এ সব বাড়িতে জল ঢুকে গেছে, জল বাড়ছে। নৌকা আর শুকনো খাবার দরকার #Amphan",
               "{place} গ্রাম পুরো জলের তলায়, {n}টি পরিবার আটকে আছে। সাহায্য পাঠান"),
        "mx": ("{place} e sob barite jol dhuke geche, jol barche. pls boat pathan #Amphan",
               "{place} mein pani hi pani hai, {n} families phase hue hain, help karo pls"),
    },
    "roof": {
        "en": ("{n} people including children stuck on the roof of a house in {place}, {district}. Water is chest deep. Please send NDRF boat urgently!",
               "URGENT: my parents are on the roof in {place}, water rising fast, phone battery dying. {n} people there"),
        "hi": ("{place} में {n} लोग छत पर फँसे हैं, पानी छाती तक है। तुरंत NDRF भेजें",),
        "bn": ("{place}-এ {n} জন বাড়ির ছাদে আটকে আছে, বুক সমান জল। এখনই উদ্ধার দরকার",),
        "mx": ("{place} e {n} jon chade atke ache, jol bere jacche, please rescue team pathan",
               "URGENT {place} me {n} log chhat pe fase hai, paani badh raha hai"),
    },
    "embankment": {
        "en": ("River embankment breached at {place}, {district}. Saline water entering the village, {n} families moving to the school building",),
        "hi": ("{place} में नदी का बाँध टूट गया, खारा पानी गाँव में घुस रहा है। {n} परिवार बेघर",),
        "bn": ("{place}-এ নদীবাঁধ ভেঙে গেছে, নোনা জল গ্রামে ঢুকছে। {n}টি পরিবার স্কুলবাড়িতে আশ্রয় নিচ্ছে",),
        "mx": ("{place} e badh bhenge geche, nona jol dhukche gram e. {n} poribar bipode, help",),
    },
    "collapse": {
        "en": ("A mud house collapsed in {place}, {district}. Elderly woman injured, we need an ambulance, road is blocked",
               "House wall fell on a family in {place} during the storm, {n} injured. No doctor here"),
        "hi": ("{place} में कच्चा मकान गिर गया, एक बुज़ुर्ग महिला घायल है, एम्बुलेंस चाहिए",),
        "bn": ("{place}-এ মাটির বাড়ি ভেঙে পড়েছে, এক বৃদ্ধা আহত, অ্যাম্বুলেন্স দরকার",),
        "mx": ("{place} e matir bari bhenge porechhe, {n} jon ahoto, ambulance chai",),
    },
    "road_blocked": {
        "en": ("Huge trees uprooted on the main road at {place}, {district}. No way out, a patient needs hospital",),
        "hi": ("{place} में बड़े पेड़ गिरने से रास्ता बंद है, मरीज़ को अस्पताल ले जाना है",),
        "bn": ("{place}-এ বড় বড় গাছ পড়ে রাস্তা বন্ধ, রোগীকে হাসপাতালে নিতে পারছি না",),
        "mx": ("{place} e rasta puro bondho gach pore, hospital e jete parchi na",),
    },
    "food_water": {
        "en": ("No drinking water and no food for {n} people in the relief shelter at {place}, {district} since yesterday",),
        "hi": ("{place} के राहत शिविर में {n} लोगों के पास पीने का पानी और खाना नहीं है",),
        "bn": ("{place}-এর ত্রাণ শিবিরে {n} জনের জন্য খাবার জল নেই, খাবার নেই কাল থেকে",),
        "mx": ("{place} relief camp e {n} jon, khabar jol kichu nei kal theke",),
    },
    "power_lines": {
        "en": ("Electric poles and live wires fallen into the water at {place}, {district}. Very dangerous, please cut the supply",),
        "hi": ("{place} में बिजली के खंभे पानी में गिर गए, करंट का खतरा है",),
        "bn": ("{place}-এ বিদ্যুতের খুঁটি উপড়ে জলে পড়ে আছে, কারেন্টের ভয়",),
        "mx": ("{place} e current er pole pore geche jole, khub bipod, line kato",),
    },
    "medical": {
        "en": ("Pregnant woman in labour at {place}, {district}, all roads flooded. Need boat or ambulance NOW",),
        "hi": ("{place} में गर्भवती महिला को प्रसव पीड़ा, सब रास्ते डूबे हैं, एम्बुलेंस भेजिए",),
        "bn": ("{place}-এ এক প্রসূতির প্রসব বেদনা উঠেছে, সব রাস্তা জলে ডুবে, অ্যাম্বুলেন্স চাই",),
        "mx": ("{place} e ekjon pregnant mohila, rasta dube geche, ambulance lagbe urgent",),
    },
    "missing": {
        "en": ("{n} fishermen from {place}, {district} missing since the storm, their boat has not returned",),
        "hi": ("{place} के {n} मछुआरे तूफ़ान के बाद से लापता हैं",),
        "bn": ("{place} থেকে {n} জন মৎস্যজীবী ঝড়ের পর থেকে নিখোঁজ",),
        "mx": ("{place} er {n} jon jele jhor er por theke nikhoj, khoj paowa jacche na",),
    },
}  # fmt: skip

RUMOUR: dict[str, tuple[str, ...]] = {
    "en": ("Dam burst near {place}, {district}! Water will reach Kolkata in 2 hours, forward to all",
           "Heard 500 people died in {place}, govt is hiding it. Share before it is deleted",
           "Another cyclone coming tonight, will hit {place} again, IMD warning (forwarded as received)"),
    "hi": ("{place} के पास बाँध टूट गया, 2 घंटे में पानी कोलकाता पहुँचेगा, सबको भेजें",),
    "bn": ("{place}-এ নাকি ৫০০ জন মারা গেছে, সরকার চেপে যাচ্ছে। শেয়ার করুন",
           "আজ রাতে আবার ঘূর্ণিঝড় আসছে {place}-এ, সবাইকে জানান"),
    "mx": ("{place} te abar jhor asche aaj rate, forward koro sobai ke",
           "{place} ka dam toot gaya, sab log bhago, forward karo"),
}  # fmt: skip

SAFE: dict[str, tuple[str, ...]] = {
    "en": ("I am safe in {place}, {district}. Lots of trees down but the family is fine. Don't worry",
           "We are safe at {place}. No power, no network, will call when possible #Amphan"),
    "hi": ("मैं {place} में सुरक्षित हूँ, परिवार भी ठीक है। चिंता मत करो",),
    "bn": ("আমি {place}-এ নিরাপদে আছি, বাড়ির সবাই ভালো আছে। চিন্তা কোরো না",),
    "mx": ("ami {place} e safe achi, sobai thik ache, tension nio na",
           "hum {place} mein safe hain, sab theek hai"),
}  # fmt: skip

CHATTER: dict[str, tuple[str, ...]] = {
    "en": ("Power cut in {place} since morning, lockdown plus cyclone, what a year 2020",
           "Sky looks so strange over {place} right now #Amphan",
           "Watching cyclone news all day in {place}, stay safe everyone"),
    "hi": ("{place} में सुबह से बारिश, घर में बैठ के चाय पी रहे हैं",),
    "bn": ("{place}-এ সকাল থেকে ঝিরঝির বৃষ্টি, খিচুড়ি আর ইলিশ ভাজা চলছে",),
    "mx": ("{place} e aaj khub hawa, ghore bose netflix dekhchi lol",
           "{place} mein light nahi hai, mobile bhi 10% pe hai yaar"),
}  # fmt: skip

#: Extras appended to a post: (language-specific label for a PIN code, for a phone number).
PIN_LABEL = {"en": "PIN {pin}", "hi": "पिन {pin}", "bn": "পিন {pin}", "mx": "pin {pin}"}
PHONE_LABEL = {"en": "Call {phone}", "hi": "संपर्क {phone}", "bn": "যোগাযোগ {phone}", "mx": "call koro {phone}"}
GPS_LABEL = "Location: {lat:.5f},{lon:.5f}"
HASHTAGS: tuple[str, ...] = ("#Amphan", "#CycloneAmphan", "#AmphanCyclone", "#SOS", "#WestBengal", "#Odisha")

#: Near-duplicate rewrites: (prefix, suffix) added around a copied text.
NEAR_DUP: tuple[tuple[str, str], ...] = (
    ("", " pls help!!"),
    ("PLEASE SHARE: ", ""),
    ("", " #AmphanRelief"),
    ("Still no help. ", ""),
    ("", " ..."),
)

FIRST_NAMES: tuple[str, ...] = (
    "arup", "sourav", "priya", "rina", "amit", "sunita", "biswajit", "moumita", "rahul", "tanmoy",
    "sanjay", "pooja", "debasish", "rakhi", "subrata", "anjali", "prasenjit", "mitali", "rajesh", "sk",
    "manas", "lipika", "bikash", "sarmistha", "jayanta", "ritu", "sujit", "payel", "ashok", "nandini",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "das", "mondal", "ghosh", "roy", "sahoo", "naskar", "bera", "jana", "mahato", "sarkar",
    "halder", "mishra", "patra", "biswas", "maity", "paul", "giri", "behera", "sheikh", "dutta",
)  # fmt: skip

#: Traffic text. ``{road}`` is a real Kolkata road/place; ``{via}`` an alternative route.
TRAFFIC_CLOSED: tuple[str, ...] = (
    "Traffic movement is closed on {road} due to tree fall (both carriageways) until further notice.",
    "Traffic movement is closed on {road} due to uprooted trees and fallen lamp posts. Please avoid the stretch.",
    "Due to heavy waterlogging at {road}, vehicular movement is suspended. Vehicles are being diverted via {via}.",
    "Traffic movement is slow on {road} due to waterlogging. Motorists are requested to use {via}.",
    "{road} is closed for all vehicles due to high wind as a precautionary measure till further notice.",
)
TRAFFIC_OPEN: tuple[str, ...] = (
    "Traffic movement is now normal on {road} after removal of the fallen tree.",
    "Water has receded at {road}. Traffic movement has been restored.",
    "{road} has been reopened for vehicular traffic.",
)
TRAFFIC_GENERAL: tuple[str, ...] = (
    "All flyovers of the city will remain closed from 12:00 hrs today in view of cyclone AMPHAN. Please stay indoors.",
    "Citizens are requested not to venture out. Report fallen trees and waterlogging to the Traffic Control Room.",
)

#: Real Kolkata roads, flyovers, crossings and bridges.
KOLKATA_ROADS: tuple[str, ...] = (
    "Ultadanga flyover", "Thanthania Kalibari", "Central Avenue", "AJC Bose Road", "Park Street",
    "EM Bypass near Chingrighata", "Sealdah flyover", "Moulali crossing", "Esplanade crossing",
    "Shyambazar five-point crossing", "BT Road", "APC Road", "Rashbehari Avenue", "Gariahat Road",
    "Lake Town", "VIP Road", "Maa flyover", "Vidyasagar Setu", "Howrah Bridge", "Strand Road", "Red Road",
    "Kidderpore crossing", "Diamond Harbour Road", "Behala Chowrasta", "Prince Anwar Shah Road",
    "Jadavpur 8B bus stand", "Bijon Setu", "Beleghata Main Road", "Bidhan Sarani", "Chittaranjan Avenue",
    "MG Road", "Camac Street", "Shakespeare Sarani", "Lenin Sarani", "SN Banerjee Road", "Hazra crossing",
    "Ballygunge Phari", "Gariahat crossing", "Kalighat Road", "College Street", "Amherst Street",
    "Bowbazar", "Taratala Road", "Dum Dum Road", "Kankurgachi", "Phoolbagan crossing", "Park Circus seven-point crossing",
    "Mominpur", "Hastings crossing", "Tollygunge Phari", "Sarat Bose Road", "Chowringhee Road",
)  # fmt: skip
