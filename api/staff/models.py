from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class StaffRole(str, enum.Enum):
    admin = "admin"  # every department, the FAQ, the directory, staff accounts
    department_staff = "department_staff"  # the cases of their own departments
    call_center = "call_center"  # every department's cases: they route and open phone cases


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[StaffMembership]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def department_codes(self) -> frozenset[str]:
        return frozenset(m.department_code for m in self.memberships)


class StaffMembership(Base):
    """A department whose cases a member of staff works."""

    __tablename__ = "staff_memberships"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    department_code: Mapped[str] = mapped_column(
        ForeignKey("departments.code", ondelete="CASCADE"), primary_key=True
    )


class StaffToken(Base):
    """An API bearer token. Only its SHA-256 is stored: a leaked database leaks no tokens."""

    __tablename__ = "staff_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    staff: Mapped[StaffUser] = relationship(lazy="joined")


class SignInThrottle(Base):
    """Failed sign-ins of one key (`account:<name>` or `address:<client IP>`): each failure
    grows the wait before the next try, and enough of them lock the key for a while."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
