"""The most expensive queries one can craft against a help center's search, "lang<TAB>query"
per line on stdout, each at the API's 256-character limit: repeated and distinct phrases of
common words, many typos, long words, prefixes, exclusions, other-layout and transliterated
text. Deterministic. Used by bench/costly.sh and bench/overload.sh."""
import random
random.seed(7)
def cap(text):
    return text[:256].rstrip()
crafted = [
    ("en", cap('"the to" ' * 28)),
    ("en", cap(" ".join('"%s %s"' % p for p in [("the", "to"), ("to", "the"), ("of", "the"), ("in", "a"),
        ("and", "the"), ("for", "a"), ("on", "the"), ("is", "it"), ("at", "the"), ("by", "a"),
        ("or", "the"), ("from", "the"), ("with", "a"), ("as", "the"), ("your", "order"), ("the", "order"),
        ("order", "the"), ("a", "refund"), ("the", "delivery"), ("to", "your")]))),
    ("en", cap('"your order" "the delivery" "a refund" "the payment" "your account" "the return"')),
    ("en", cap(" ".join(["ordre", "delivry", "refnud", "paymnet", "acount", "retrun", "shiping", "invocie",
        "custmer", "adress", "pasword", "trakcing", "cancle", "warrenty", "discuont", "exchagne"]))),
    ("en", cap(" ".join(["internationall", "confirmationn", "replacementt", "subscriptionn", "notificationss",
        "verificationn", "documentationn", "informationss", "availabilityy", "responsibilityy"]))),
    ("en", cap("x" * 64 + " " + "y" * 64 + " " + "z" * 64 + " " + "w" * 60)),
    ("en", cap("abcdefghijklmnopqrstuvwx " * 10)),
    ("en", cap(" ".join("o r d e l i v p a y m e n t s".split()) + " " + "a b c d e f g h i j k l m n o p q r s t u v w x y z " * 4)),
    ("en", cap(" ".join(["de", "or", "re", "pa", "ac", "sh", "tr", "ca", "wa", "di", "ex", "co"]) + " in")),
    ("en", cap(" ".join("-%s" % w for w in ["the", "a", "to", "order", "delivery", "refund", "payment",
        "account", "return", "shipping", "invoice", "customer", "address", "password"]) + " order")),
    ("en", cap("ljcnfdrf pfrfp djpdhfn jgkfnf rjhpbyf ctqxfc nfvj[yf gjvjom ljcnfdrf pfrfp djpdhfn jgkfnf rjhpbyf ctqxfc")),
    ("en", cap("vozvrat dostavka zakaz oplata tovar sklad kurer adres parol schet karta podderzhka otmena obmen garantiya")),
    ("ru", cap("вощзкфе вуддмуко щквук зфньуте фссщгте кугкт ыршззштп шймщшсу сгыещьук фввкуыы")),
    ("en", cap("where is my order where is my parcel where is my package where is my stuff talk to a human money back")),
    ("et", cap("kus on minu pakk tellimus tagastamine raha tagasi klienditeenindus tarneaeg makseviisid")),
    ("en", cap(" ".join(random.choice("abcdefghijklmnopqrstuvwxyz") * random.randint(4, 9) for _ in range(40)))),
]
for lang, q in crafted:
    print("%s\t%s" % (lang, q))
