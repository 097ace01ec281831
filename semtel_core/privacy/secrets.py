"""Detectors for credentials: vendor API keys, tokens, secret assignments and URLs that carry credentials.

Vendor keys have fixed, documented prefixes (``sk-``, ``AKIA``, ``ghp_``, ``xox?-``, ``eyJ…``), so plain
regexes are precise. ``password=…``-style assignments are matched by key name; the value is then checked
so that code which merely *refers* to a secret (``password=os.environ["PW"]``, ``api_key: str``,
``"<your-api-key>"``) keeps its meaning.
"""

from __future__ import annotations

import re

from semtel_core.privacy.regex_detector import RegexDetector
from semtel_core.privacy.spans import SECRET, URL_WITH_CREDENTIALS

_VENDOR_KEYS = re.compile(
    r"(?<![\w-])sk-(?:proj-|ant-(?:api\d\d-)?|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"
    r"|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"
    r"|\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"
    r"|\bxox[abposre]-[A-Za-z0-9-]{10,}"
    r"|\bAIza[0-9A-Za-z_-]{35}(?![\w-])"
    r"|\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b"
    r"|\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
    r"|-----BEGIN[A-Z ]* PRIVATE KEY-----[\s\S]*?-----END[A-Z ]* PRIVATE KEY-----"
    r"|\b\d{8,10}:AA[A-Za-z0-9_-]{33}(?![\w-])"  # Telegram bot token
)
# Every vendor key contains one of these; a substring test skips the regex for almost all text.
_VENDOR_MARKERS = (
    "sk-", "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "AIza", "k_live_",
    "k_test_", "eyJ", "PRIVATE KEY", ":AA",
)  # fmt: skip

_AUTH_HEADER = re.compile(
    r"(?i:\bbearer\s+|\bauthorization:\s*(?:basic|token)\s+)([A-Za-z0-9._~+/-]{12,}=*)(?![\w.~+/-])"
)

_SECRET_KEYS = (
    r"password|passwd|pwd|passphrase|secret|api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|secret[_-]?key"
    r"|access[_-]?token|auth[_-]?token|refresh[_-]?token|bearer[_-]?token|client[_-]?secret|private[_-]?key"
    r"|token|credentials?"
)
_ASSIGNMENT = re.compile(
    rf"""(?i)(?<![\w-])(["']?)(?:[a-z0-9]+[_.-])*(?:{_SECRET_KEYS})\1[ \t]*(?P<sep>:=|=>|[:=])[ \t]*"""
    r"""(?P<q>["'])?(?P<value>(?(q)[^"'\s]+?|[^\s"'`,;)}\]]+))(?(q)(?P=q))"""
)
_CODE_REFERENCE = re.compile(
    r"""^(?:[<${%\[(*]|\.\.\.|os\.|process\.|self\.|this\.|env\b|config\.|settings\.|request\.|args\.|"""
    r"""params\.|getenv|secrets\.|vault\.)|[()]""",
    re.IGNORECASE,
)
_NON_SECRET_WORDS = frozenset(
    {
        "none", "null", "nil", "true", "false", "undefined", "str", "string", "int", "bool", "bytes", "char",
        "secretstr", "optional", "required", "any", "text", "password", "hidden", "redacted", "masked",
        "example", "placeholder",
    }
)  # fmt: skip
_PLACEHOLDER_VALUE = re.compile(r"^(?:your|my|enter|insert|replace|paste)[\w-]*$|^[x*.#-]+$", re.IGNORECASE)
_KEY_STEMS = ("pass", "pwd", "key", "token", "secret", "cred")


def _assignment_ok(match: re.Match[str]) -> bool:
    value = match.group("value")
    if len(value) < 4 or value.lower() in _NON_SECRET_WORDS:
        return False
    if _CODE_REFERENCE.search(value) or _PLACEHOLDER_VALUE.match(value):
        return False
    if match.group("q") is None:
        # Unquoted identifiers such as ``api_key=api_key`` or ``password: DB_PASSWORD`` are references.
        lowered = value.lower()
        if re.fullmatch(r"[a-z_][a-z0-9_.]*", lowered) and any(stem in lowered for stem in _KEY_STEMS):
            return False
        if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", value):
            return False
        if match.group("sep") == ":" and value.isalpha() and value.islower():
            return False  # prose and headings ("Secret: information that ..."), not a YAML secret
    return True


# A phrase in prose: "my password is Tr0ub4dor&3", "das Passwort ist geheim123!".
_PROSE_PASSWORD = re.compile(
    r"(?i)\b(?:password|passcode|passwort|kennwort|mot de passe|contraseña|senha|пароль|密码)"
    r"(?:\s+(?:is|ist|est|es|é|это)\s+|\s*[:：是]\s*)[\"'“«]?(?P<value>[^\s\"'”»]*[^\s\"'”».,;:)])"
)


def _prose_password_ok(match: re.Match[str]) -> bool:
    value = match.group("value")
    has_digit = any(c.isdigit() for c in value)
    has_symbol = any(not c.isalnum() for c in value)
    return len(value) >= 6 and (has_digit or has_symbol) and _assignment_value_plausible(value)


def _assignment_value_plausible(value: str) -> bool:
    return not (_CODE_REFERENCE.search(value) or _PLACEHOLDER_VALUE.match(value))


_URL_TAIL = r"""[^\s"'<>`]*[^\s"'<>`.,;:!?)\]}]"""
# userinfo is "user:password@", or a bare token as user ("https://ghp_…@github.com"): 20+ characters with
# both letters and digits, which no login name such as "git@" has.
_URL_WITH_USERINFO = re.compile(
    rf"""\b[a-z][a-z0-9+.-]*://(?:[^\s/@:"'<>]*:(?![$<{{])[^\s/@"'<>]+|(?=[A-Za-z_-]*\d)(?=\d*[A-Za-z])"""
    rf"""[A-Za-z0-9_-]{{20,}})@{_URL_TAIL}""",
    re.IGNORECASE,
)
_TOKEN_PARAMS = (
    r"token|access_token|refresh_token|id_token|api_key|apikey|api-key|key|secret|client_secret|password|"
    r"passwd|pwd|auth|sig|signature|x-amz-signature|x-amz-security-token|x-amz-credential|session_token|code"
)
_URL_WITH_TOKEN = re.compile(
    rf"""\b(?:https?|wss?|ftp)://[^\s"'<>`?#]*[?#&](?:[^\s"'<>`]*&)?(?:{_TOKEN_PARAMS})=(?![{{<$]|your|\.\.\.|xxx)"""
    rf"""[^&\s"'<>`]{{4}}(?:{_URL_TAIL})?""",
    re.IGNORECASE,
)

VENDOR_KEY_DETECTOR = RegexDetector(SECRET, _VENDOR_KEYS, required=_VENDOR_MARKERS)
AUTH_HEADER_DETECTOR = RegexDetector(
    SECRET, _AUTH_HEADER, group=1, required=("bearer", "authorization"), required_lower=True
)
# Only the assigned value is replaced, so ``password=<SECRET>`` still reads as an assignment.
ASSIGNMENT_DETECTOR = RegexDetector(
    SECRET,
    _ASSIGNMENT,
    group="value",
    validator=_assignment_ok,
    required=("pass", "pwd", "secret", "key", "token", "cred"),
    required_lower=True,
    prefilter=re.compile(r"""(?:pass|pwd|secret|key|token|cred)[\w.-]*["']?[ \t]*[:=]"""),  # lower-cased
)
PROSE_PASSWORD_DETECTOR = RegexDetector(
    SECRET,
    _PROSE_PASSWORD,
    group="value",
    validator=_prose_password_ok,
    required=("passw", "passcode", "kennwort", "mot de passe", "contraseña", "senha", "пароль", "密码"),
    required_lower=True,
)
URL_USERINFO_DETECTOR = RegexDetector(URL_WITH_CREDENTIALS, _URL_WITH_USERINFO, required=("://",))
URL_TOKEN_DETECTOR = RegexDetector(URL_WITH_CREDENTIALS, _URL_WITH_TOKEN, required=("://",))
