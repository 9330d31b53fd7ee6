"""The ORM models (SQLAlchemy 2, typed). Money in integer cents, durations in minutes, times in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from labbot.states import DeliveryState, Role

# Stable constraint names, so Alembic migrations name the same thing on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC (SQLite keeps no offset, so it is normalised on the way in and out)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}  # noqa: RUF012


class Person(Base):
    """Someone who uses labbot, possibly through several platforms."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    language: Mapped[str | None] = mapped_column(String(5))
    role: Mapped[str] = mapped_column(String(20), default=Role.AGENT, server_default=Role.AGENT.value)
    region: Mapped[str | None] = mapped_column(String(60))
    service: Mapped[str | None] = mapped_column(String(120))
    category: Mapped[str | None] = mapped_column(String(3))
    hourly_rate_cents: Mapped[int | None] = mapped_column(Integer)
    reminders_muted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime]

    identities: Mapped[list[Identity]] = relationship(back_populates="person", lazy="selectin")


class Identity(Base):
    """A person's account on one platform (`console:alice`, `slack:U123`, `mattermost:8x…`)."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    username: Mapped[str | None] = mapped_column(String(100))

    person: Mapped[Person] = relationship(back_populates="identities")


class Project(Base):
    """A lab project, from idea to completion."""

    __tablename__ = "projects"
    __table_args__ = (
        Index("ix_projects_region_status", "region", "status"),
        # A region's report finds its projects' numbers and titles in the index alone.
        Index("ix_projects_region_title", "region", "id", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(60))
    services: Mapped[list[str]] = mapped_column(default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    methods: Mapped[list[str]] = mapped_column(default=list)
    planned_partners: Mapped[str] = mapped_column(Text, default="")
    objective: Mapped[str] = mapped_column(Text, default="")
    indicators: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(Text, default="")
    governance: Mapped[str] = mapped_column(Text, default="")
    portfolio: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="idee")
    filed_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    # The project's lead: who registered it, or whom they handed over to (`modifier <ref> porteur:@nom`).
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # The decision (`decision`): the PIA amount awarded, the start of its window, or why it was not selected.
    award_cents: Mapped[int | None] = mapped_column(BigInteger)
    award_starts_on: Mapped[date | None] = mapped_column(Date)
    decision_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class Membership(Base):
    """A person on a project's team, with what they bring."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("project_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    competence: Mapped[str] = mapped_column(String(40))
    service: Mapped[str | None] = mapped_column(String(120))
    joined_at: Mapped[datetime]


class Event(Base):
    """One of SGMAP's events, kept in step with the config."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    tentative: Mapped[str] = mapped_column(String(200), default="")
    # The fields an admin set from chat (`evenement`): they win over the configuration file at every start.
    set_in_chat: Mapped[list[str]] = mapped_column(default=list, server_default=text("'[]'"))
    # The invitation's UID (RFC 5545): random, so that no two installations' events meet in one calendar.
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=lambda: f"{uuid4()}@labbot")
    # Raised with each change of what the invitation says, so calendar clients replace the copy they hold.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class Signup(Base):
    """A place, or a place in the queue, at an event. Cancelled rows stay for the record."""

    __tablename__ = "signups"
    __table_args__ = (
        Index("ix_signups_event_state", "event_id", "state", "id"),
        # One live signup per person and event; the partial index is understood by SQLite and PostgreSQL.
        Index(
            "uq_signups_live",
            "event_id",
            "person_id",
            unique=True,
            sqlite_where=text("state != 'annule'"),
            postgresql_where=text("state != 'annule'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(10))  # inscrit | attente | annule
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class SignupCount(Base):
    """Live signups per event and state (registered, waiting), kept in step with `signups` in the same transaction
    (labbot.storage.signup_counts), so `evenements` reads a few rows, not every signup of every event."""

    __tablename__ = "signup_counts"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), primary_key=True)  # inscrit | attente
    signups: Mapped[int] = mapped_column(Integer)


class PartnerMeeting(Base):
    """A meeting with a partner of the project."""

    __tablename__ = "partner_meetings"
    # The categories a project met, from the index alone (`labs` shows them for ten projects at each search).
    __table_args__ = (Index("ix_partner_meetings_categories", "project_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    partner: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class HourEntry(Base):
    """Time an agent gave a project, valued at the rate in force when it was logged."""

    __tablename__ = "hour_entries"
    __table_args__ = (
        # Covering indexes: reports by project (per agent or month) and an agent's own timesheet.
        Index("ix_hour_entries_project", "project_id", "worked_on", "person_id", "minutes", "rate_cents"),
        Index("ix_hour_entries_person", "person_id", "worked_on", "minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    worked_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    rate_cents: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]


class HourMonthTotal(Base):
    """Minutes and Σ(minutes × rate) per project and month, kept in step with `hour_entries` in the same
    transaction (labbot.storage.hour_totals), so a region's report reads ~10 rows per project, not every entry.
    """

    __tablename__ = "hour_month_totals"
    # A region's report sums its projects' months from the index alone, not row by row from the table.
    __table_args__ = (Index("ix_hour_month_totals_sums", "project_id", "month", "minutes", "minute_rate_cents"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the month's first day
    minutes: Mapped[int] = mapped_column(BigInteger)
    minute_rate_cents: Mapped[int] = mapped_column(BigInteger)


class HourProjectTotal(Base):
    """Minutes and Σ(minutes × rate) per project, kept in step with `hour_entries` beside the monthly totals
    (labbot.storage.hour_totals): a region's report reads one row per project."""

    __tablename__ = "hour_project_totals"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    minutes: Mapped[int] = mapped_column(BigInteger)
    minute_rate_cents: Mapped[int] = mapped_column(BigInteger)


class CostLine(Base):
    """A cost other than agents' time: contractor, equipment, other."""

    __tablename__ = "cost_lines"
    __table_args__ = (Index("ix_cost_lines_project", "project_id", "incurred_on", "amount_cents"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int] = mapped_column(Integer)
    incurred_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """Who changed what, when, from what to what (hours, costs, roles, statuses, rates)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class ProcessedRequest(Base):
    """A request already answered: its reply is returned again when a platform retries it."""

    __tablename__ = "processed_requests"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    reply: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(index=True)


class LabChannel(Base):
    """A lab's channel, subscribed to announcements of its region or project (`canal ajouter`)."""

    __tablename__ = "lab_channels"
    __table_args__ = (UniqueConstraint("platform", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    channel_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str | None] = mapped_column(String(60), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class Announcement(Base):
    """An administrator's announcement: drafted (preview), scheduled, released to the outbox, or cancelled."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_state_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(20))  # tous | region | evenement | projet | canal
    audience_value: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(12))  # brouillon | planifiee | envoyee | annulee | manquee
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))


class OutboxMessage(Base):
    """Something to deliver to one or more recipients (a notification, a reminder, an announcement, a report).

    `dedupe_key` makes producers idempotent: a reminder job that fires twice enqueues its message once.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    reply: Mapped[dict[str, Any]]
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Who gets the final report (sent / failed) once every delivery is settled; None: nobody.
    report_to_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Delivery(Base):
    """One message to one recipient: pending → sending → sent | failed (or cancelled).

    `sending` is written before the platform is called: a delivery found in that state after a crash may have
    reached its recipient, so the worker looks for its `marker` on the platform before sending again.
    """

    __tablename__ = "outbox_deliveries"
    __table_args__ = (
        UniqueConstraint("message_id", "recipient"),
        Index("ix_outbox_deliveries_due", "state", "priority", "next_attempt_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(200))  # slack:user:U123, mattermost:channel:abc
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(100), default="")
    channel_id: Mapped[str | None] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # The recipient's own version (their language) when it differs from the message's.
    reply: Mapped[dict[str, Any] | None]
    marker: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(10), default=DeliveryState.PENDING)
    # 0: a message for one person (a freed seat, a report) goes before 1: reminders and 2: broadcasts.
    priority: Mapped[int] = mapped_column(Integer, default=2)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    platform_message_id: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]


class Indicator(Base):
    """An evaluation indicator of a project (the call's fourth hallmark), numbered within the project."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40), default="")
    # Decimal values kept as their canonical text ("12.5"): exact on both databases, never summed.
    baseline: Mapped[str | None] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(40))
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]


class IndicatorMeasure(Base):
    """A value an indicator took on a day."""

    __tablename__ = "indicator_measures"
    __table_args__ = (Index("ix_indicator_measures_indicator", "indicator_id", "measured_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(40))
    measured_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class PlanLine(Base):
    """A line of a project's funding plan (a forecast): agents' time by category, or a cost by nature."""

    __tablename__ = "plan_lines"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # temps | prestataire | materiel | autre
    label: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str | None] = mapped_column(String(3))  # time: A+, A, B, C
    minutes: Mapped[int | None] = mapped_column(BigInteger)  # time: hours forecast, in minutes
    rate_cents: Mapped[int | None] = mapped_column(Integer)  # time: the category's rate when forecast
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class Cofunding(Base):
    """A partner's co-funding of a project, envisaged or confirmed."""

    __tablename__ = "cofundings"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    partner: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10))  # envisage | confirme
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class DossierVersion(Base):
    """A dossier as filed (`deposer`): both files frozen, so `dossier <ref> version:<n>` gives them back
    byte for byte, and the digest of its content, to tell when the project changed since."""

    __tablename__ = "dossier_versions"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    filed_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(120), default="")
    content_digest: Mapped[str] = mapped_column(String(64))
    odt: Mapped[bytes] = mapped_column(LargeBinary)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class Question(Base):
    """A question to SGMAP (`question`): drafted while similar FAQ entries are shown, then open, then answered."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_state_created", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12))  # brouillon | ouverte | repondue
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class FaqEntry(Base):
    """A question and its answer published for everyone, anonymised, numbered as the question.

    Searched in French full text: PostgreSQL keeps a generated `tsvector` column (migration 0005_support);
    SQLite keeps the FTS5 table `faq_search` in step from labbot.storage.search_index, in the same transaction.
    """

    __tablename__ = "faq_entries"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]


class SupportRequest(Base):
    """A project's request for SGMAP's support (`appui`): technical, methodological or promotion."""

    __tablename__ = "support_requests"
    __table_args__ = (Index("ix_support_requests_status_moved", "status", "moved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # technique | methodologique | valorisation
    need: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))  # ouvert | en-cours | clos
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    # The last move (opening, status, note or handler): reminders count working days from it.
    moved_at: Mapped[datetime]
