"""The data model; import models from here."""
from coach.models.accounts import LANGUAGES, ROLES, Team, User, team_managers
from coach.models.api import SCOPES, ApiToken
from coach.models.audit import AuditEvent
from coach.models.base import UTCDateTime, utcnow
from coach.models.content import (
    CATEGORIES,
    EVIDENCE_RULES,
    CareerLevel,
    CareerRequirement,
    CareerTrack,
    Competency,
    CompetencyCategory,
    CompetencyLevel,
    ContentSync,
    Course,
    Module,
    Program,
    ProgramStep,
    Reason,
    SalesStage,
    SearchDocument,
    module_competencies,
    module_stages,
    pick,
    reason_competencies,
)
from coach.models.deals import OUTCOMES, Deal
from coach.models.learning import EVIDENCE_KINDS, CompetencyEvidence, ModuleProgress, ProgramAssignment
from coach.models.mentoring import (
    OBSERVATION_KINDS,
    SIGNOFF_STATES,
    ActionItem,
    CoachingNote,
    DigestLog,
    Mentorship,
    Notification,
    Observation,
    SignoffRequest,
)
from coach.models.reviews import (
    REVIEW_STATES,
    AgendaItem,
    CaseReview,
    ReviewComment,
    ReviewMeeting,
    ReviewReason,
    TrainingAssignment,
    meeting_attendees,
    review_competencies,
    review_modules,
)
from coach.models.quizzes import (
    ATTEMPT_STATES,
    SHOW_ANSWERS,
    CapabilityTarget,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
)

__all__ = [
    "SCOPES", "ApiToken",
    "REVIEW_STATES", "AgendaItem", "CaseReview", "ReviewComment", "ReviewMeeting", "ReviewReason",
    "TrainingAssignment", "meeting_attendees", "review_competencies", "review_modules",
    "OUTCOMES", "Deal",
    "OBSERVATION_KINDS", "SIGNOFF_STATES", "ActionItem", "CoachingNote", "DigestLog", "Mentorship", "Notification",
    "Observation", "SignoffRequest",
    "ATTEMPT_STATES", "SHOW_ANSWERS", "CapabilityTarget", "Quiz", "QuizAnswer", "QuizAttempt", "QuizQuestion",
    "CATEGORIES", "EVIDENCE_KINDS", "EVIDENCE_RULES", "LANGUAGES", "ROLES", "AuditEvent", "CareerLevel",
    "CareerRequirement", "CareerTrack", "Competency", "CompetencyCategory", "CompetencyEvidence", "CompetencyLevel",
    "ContentSync", "Course", "Module", "ModuleProgress", "Program", "ProgramAssignment", "ProgramStep", "Reason",
    "SalesStage", "SearchDocument", "Team", "UTCDateTime", "User", "module_competencies", "module_stages", "pick",
    "reason_competencies", "team_managers", "utcnow",
]
