"""Who may see and change what: roles scoped to counties and the one permission check (roles), accounts, sign-in,
server-side sessions and the hash-chained audit trail in a store outside the repository (store)."""

from plan_monitor.access.roles import ACTIONS, ANONYMOUS, ROLE_LABELS, ROLES, Actor, allowed, anonymous, require
from plan_monitor.access.store import (AUDIT_ACTIONS, LOCAL_ADMIN, Access, Account, home_folder, local_admin)

__all__ = ["ACTIONS", "ANONYMOUS", "AUDIT_ACTIONS", "LOCAL_ADMIN", "ROLES", "ROLE_LABELS", "Access", "Account", "Actor",
           "allowed", "anonymous", "home_folder", "local_admin", "require"]
