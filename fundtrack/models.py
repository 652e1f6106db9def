"""Import every domain's models so that Alembic and the mapper registry see all tables."""

from fundtrack.audit.models import AuditEvent
from fundtrack.auth.models import ApiToken, Role, User
from fundtrack.centres.models import Centre, FiscalYearLock, Network, Region
from fundtrack.costs.models import CostCategory, CostKind, CostLine
from fundtrack.giving.models import (
    AgreementKind,
    Frequency,
    GiftAgreement,
    Instalment,
    PaymentMethod,
    RecurringGift,
)
from fundtrack.giving.sepa_models import Collection, CollectionItem, Mandate, Sequence
from fundtrack.giving.statement_models import GivingStatement, GivingStatementLine
from fundtrack.giving.tax_models import (
    DonorNationalId,
    GiftReportKind,
    GiftReportLine,
    GiftReportRun,
    NationalIdKind,
)
from fundtrack.grants.models import (
    GoalKind,
    Grant,
    GrantAllocation,
    GrantBudgetLine,
    GrantGoal,
    GrantState,
    GrantTransition,
    ReportKind,
    ReportObligation,
)
from fundtrack.imports.models import Import, ImportProfile, ImportState
from fundtrack.imports.onboarding.models import Onboarding, OnboardingState
from fundtrack.income.merge_models import DonorMerge
from fundtrack.income.models import (
    Donor,
    DonorKind,
    EarmarkedFund,
    Funder,
    FunderType,
    FundingAgreement,
    IncomeCategory,
    IncomeLine,
    IncomeLineFund,
    IncomeSource,
    StructuralRule,
)
from fundtrack.reports.models import JobState, ReportDraft, ReportJob, SentReport
from fundtrack.yearend.models import (
    ExpenseGroup,
    ExpenseGroupMapping,
    JournalAccount,
    PostingSide,
    YearEndSettings,
)

__all__ = [
    "AgreementKind",
    "ApiToken",
    "AuditEvent",
    "Centre",
    "Collection",
    "CollectionItem",
    "CostCategory",
    "CostKind",
    "CostLine",
    "Donor",
    "DonorNationalId",
    "GiftReportKind",
    "GiftReportLine",
    "GiftReportRun",
    "DonorMerge",
    "Import",
    "ImportProfile",
    "ImportState",
    "DonorKind",
    "ExpenseGroup",
    "ExpenseGroupMapping",
    "EarmarkedFund",
    "FiscalYearLock",
    "Funder",
    "Frequency",
    "FunderType",
    "FundingAgreement",
    "GiftAgreement",
    "GivingStatement",
    "GivingStatementLine",
    "GoalKind",
    "Grant",
    "GrantAllocation",
    "GrantBudgetLine",
    "GrantGoal",
    "GrantState",
    "GrantTransition",
    "IncomeCategory",
    "IncomeLine",
    "IncomeLineFund",
    "IncomeSource",
    "Instalment",
    "JobState",
    "JournalAccount",
    "Mandate",
    "NationalIdKind",
    "Network",
    "Onboarding",
    "OnboardingState",
    "PaymentMethod",
    "PostingSide",
    "RecurringGift",
    "Region",
    "ReportDraft",
    "ReportJob",
    "ReportKind",
    "ReportObligation",
    "Role",
    "SentReport",
    "Sequence",
    "StructuralRule",
    "User",
    "YearEndSettings",
]
