"""The demo organisation's fixed facts: logins, the catalogue, the requirements, the names."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DEMO_PASSWORD = "echelon-demo-2026"


@dataclass(frozen=True)
class Login:
    email: str
    roles: tuple[str, ...]
    persona: str


LOGINS = (
    Login("maria.lopez@example.com", (), "employee (CSR, the expired-PCI case)"),
    Login("sam.rivera@example.com", (), "manager (CSM, Contact Centre North)"),
    Login("hannah.reid@example.com", ("hr",), "hr"),
    Login("felix.turner@example.com", ("finance",), "finance"),
    Login("ada.ng@example.com", ("admin",), "admin"),
)

COMPETENCIES = [
    ("PRODUCT", "Product knowledge", "service"),
    ("COMPLAINT", "Complaint resolution", "service"),
    ("COACHING", "Coaching and training others", "leadership"),
    ("POLICY", "Policy enforcement", "leadership"),
    ("SCHEDULING", "Scheduling", "operations"),
    ("ORG-BEHAV", "Organisational behaviour", "management"),
    ("HR-BASICS", "HR basics", "management"),
    ("PROBLEM", "Problem analysis", "analysis"),
    ("COST-BENEFIT", "Cost-benefit analysis", "analysis"),
    ("FINANCE", "Budgeting and finance", "management"),
    ("LOGISTICS", "Logistics", "operations"),
    ("MARKETING", "Marketing basics", "management"),
]

# code, title, category, hours, cost, validity_months, prerequisites, grants
COURSES = [
    (
        "CS-FOUND",
        "Customer service foundations",
        "service",
        16,
        "250.00",
        None,
        [],
        [("PRODUCT", 2), ("COMPLAINT", 2)],
    ),
    ("PCI-AWARE", "PCI DSS awareness (yearly)", "compliance", 2, "50.00", 12, [], []),
    (
        "HARASS-REF",
        "Harassment-prevention refresher (two-yearly)",
        "compliance",
        3,
        "75.00",
        24,
        [],
        [],
    ),
    (
        "PRODUCT-ADV",
        "Advanced product knowledge",
        "service",
        24,
        "400.00",
        None,
        ["CS-FOUND"],
        [("PRODUCT", 4)],
    ),
    (
        "SUP-101",
        "Supervisor training",
        "leadership",
        40,
        "1200.00",
        None,
        ["CS-FOUND"],
        [("COACHING", 2), ("POLICY", 3)],
    ),
    (
        "SUP-REF",
        "Supervisor refresher (two-yearly)",
        "leadership",
        8,
        "300.00",
        24,
        ["SUP-101"],
        [],
    ),
    ("COACH-LAB", "Coaching lab", "leadership", 16, "600.00", None, [], [("COACHING", 3)]),
    (
        "ORG-101",
        "Organisational behaviour and HR basics",
        "management",
        20,
        "500.00",
        None,
        [],
        [("ORG-BEHAV", 2), ("HR-BASICS", 2)],
    ),
    (
        "MGMT-ANALYTICS",
        "Problem analysis and cost-benefit",
        "management",
        30,
        "1500.00",
        None,
        ["SUP-101"],
        [("PROBLEM", 3), ("COST-BENEFIT", 3)],
    ),
    (
        "FIN-BASICS",
        "Budgeting and finance for managers",
        "management",
        24,
        "900.00",
        None,
        [],
        [("FINANCE", 3)],
    ),
    (
        "LOG-OPS",
        "Logistics, order capture and dispatch",
        "operations",
        24,
        "800.00",
        None,
        [],
        [("LOGISTICS", 3)],
    ),
    ("MKT-101", "Marketing basics", "management", 12, "450.00", None, [], [("MARKETING", 2)]),
]

# course code -> list of (days from today to start, length in days, seats). PCI awareness ran
# four days ago (attendance not marked yet); supervisor training has too few seats for the CSRs
# who need it: its next two sessions hold six each, and the first is full with a waitlist.
SESSIONS = {
    "CS-FOUND": [(14, 4, 16), (75, 4, 16)],
    "PCI-AWARE": [(-4, 0, 20), (9, 0, 30), (40, 0, 30), (100, 0, 30)],
    "HARASS-REF": [(21, 0, 25), (120, 0, 25)],
    "PRODUCT-ADV": [(30, 5, 12)],
    "SUP-101": [(35, 10, 6), (90, 10, 6), (160, 10, 12)],
    "SUP-REF": [(50, 1, 15)],
    "COACH-LAB": [(60, 2, 10)],
    "ORG-101": [(28, 14, 20), (140, 14, 20)],
    "MGMT-ANALYTICS": [(70, 30, 15)],
    "FIN-BASICS": [(45, 20, 15)],
    "LOG-OPS": [(90, 20, 15)],
    "MKT-101": [(55, 10, 20)],
}

# Bookings: (course, days from today to the session's start, how many CSRs take a seat, how
# many more wait). Maria Lopez books her PCI renewal on the next PCI session besides these.
BOOKINGS = [
    ("PCI-AWARE", -4, 5, 0),  # ended: awaiting attendance
    ("PCI-AWARE", 9, 3, 0),
    ("SUP-101", 35, 6, 3),  # full, with a waitlist
    ("SUP-101", 90, 2, 0),
]

CHECK_TYPES = [
    ("EMPLOYMENT", "Employment history verification", 36, 14),
    ("CRIMINAL", "Criminal record check", 36, 14),
    ("CREDIT", "Credit history check", 12, 14),
]

# code, name, kind, dimensions (each valid 24 months, scored 1-5)
INSTRUMENTS = [
    (
        "LEAD-360",
        "Leadership 360 feedback",
        "360",
        ["Leadership", "Communication", "Coaching", "Integrity"],
    ),
    (
        "L3-AC",
        "Manager assessment centre",
        "assessment_centre",
        ["Analysis", "Planning", "Decision making", "Influence"],
    ),
]

QUALIFICATIONS = [
    ("CERT-MGMT", "Certificate in Management"),
    ("BBA", "Bachelor of Business Administration"),
    ("CERT-LOG", "Certificate in Logistics"),
]

ROLES = [
    ("L1-CSR", "Customer Service Representative", 1, "100.00"),
    ("L2-CSS", "Customer Service Supervisor", 2, "1000.00"),
    ("L3-CSM", "Customer Service Manager", 3, "10000.00"),
]

# role -> (kind, target, threshold, mandatory, weight)
RequirementRow = tuple[str, str, int | Decimal | None, bool, int]
"""(kind, target code or "" for tenure, threshold, mandatory, weight) of one requirement."""

REQUIREMENTS: dict[str, list[RequirementRow]] = {
    "L1-CSR": [
        ("course", "CS-FOUND", None, True, 1),
        ("certification", "PCI-AWARE", None, True, 1),
        ("certification", "HARASS-REF", None, True, 1),
        ("background_check", "EMPLOYMENT", None, True, 1),
    ],
    "L2-CSS": [
        ("competency", "PRODUCT", 3, True, 2),
        ("competency", "COMPLAINT", 3, True, 1),
        ("competency", "COACHING", 2, False, 1),
        ("competency", "POLICY", 2, False, 1),
        ("competency", "ORG-BEHAV", 2, False, 1),
        ("competency", "HR-BASICS", 1, False, 1),
        ("certification", "PCI-AWARE", None, True, 1),
        ("certification", "HARASS-REF", None, True, 1),
        ("course", "SUP-101", None, True, 1),
        ("background_check", "EMPLOYMENT", None, True, 1),
        ("background_check", "CRIMINAL", None, True, 1),
        ("assessment", "LEAD-360", Decimal("3.50"), False, 2),
        ("tenure", "", 12, True, 1),
    ],
    "L3-CSM": [
        ("competency", "PROBLEM", 3, True, 2),
        ("competency", "COST-BENEFIT", 3, True, 1),
        ("competency", "FINANCE", 3, True, 1),
        ("competency", "LOGISTICS", 2, False, 1),
        ("competency", "MARKETING", 2, False, 1),
        ("competency", "COACHING", 3, False, 1),
        ("certification", "PCI-AWARE", None, True, 1),
        ("certification", "HARASS-REF", None, True, 1),
        ("certification", "SUP-REF", None, False, 1),
        ("background_check", "EMPLOYMENT", None, True, 1),
        ("background_check", "CRIMINAL", None, True, 1),
        ("background_check", "CREDIT", None, True, 1),
        ("assessment", "L3-AC", Decimal("3.50"), True, 2),
        ("assessment", "LEAD-360", Decimal("3.50"), False, 1),
        ("education", "CERT-MGMT", None, True, 2),
        ("tenure", "", 18, True, 1),
    ],
}


FIRST = [
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Avery",
    "Quinn",
    "Jamie",
    "Drew",
    "Reese",
    "Skyler",
    "Rowan",
    "Elliot",
    "Harper",
    "Emerson",
    "Finley",
    "Hayden",
    "Kendall",
    "Logan",
    "Parker",
    "Sage",
    "Blake",
    "Cameron",
    "Dakota",
    "Frankie",
    "Jesse",
    "Kai",
    "Lane",
    "Micah",
    "Noel",
    "Oakley",
    "Peyton",
    "Remy",
    "Shawn",
    "Tatum",
    "Val",
    "Wren",
    "Yael",
    "Zion",
    "Ari",
    "Bo",
    "Cruz",
    "Devon",
    "Eden",
]
LAST = [
    "Patel",
    "Nguyen",
    "Garcia",
    "Smith",
    "Johnson",
    "Brown",
    "Davis",
    "Miller",
    "Wilson",
    "Moore",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Allen",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Carter",
    "Phillips",
    "Evans",
    "Turner",
    "Torres",
    "Parker",
    "Collins",
    "Edwards",
    "Stewart",
    "Flores",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Cooper",
    "Reed",
]
