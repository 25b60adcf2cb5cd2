"""Which user type a person joins with, and telling the inviter when no license was free.

Licensed members never exceed purchased seats. A pending Licensed invitation holds a seat
until it expires, but seats can be bought fewer meanwhile, so acceptance checks again under
the account's row lock: when every license is taken by a member, the person joins as Basic,
and both sides are told (the accepted page and the receipt, and an email to the inviter).
"""

from __future__ import annotations

from ..delivery.outbox import queue_email
from ..delivery.responses import still_manages, tell_inviter
from ..manage.seats import licensed_members
from ..models import Account, Invitation, User, UserType
from .link import owner_of, person_locale


def user_type_on_joining(invitation: Invitation, account: Account) -> UserType:
    """The user type offered, unless it is Licensed and no license is free: then Basic.

    Call it holding the account's lock (manage.seats.locked_account) to decide; without it,
    only to say what would happen if they joined now."""
    offered = UserType(invitation.user_type)
    if offered == UserType.LICENSED and licensed_members(account.id) >= account.license_seats:
        return UserType.BASIC
    return offered


def missed_license(invitation: Invitation, user_type: UserType) -> bool:
    return UserType(invitation.user_type) == UserType.LICENSED and user_type == UserType.BASIC


def tell_inviter_no_license_was_free(
    invitation: Invitation, account: Account, who: User, *, new_account: bool = False
) -> None:
    """Queue the email that says the person joined as Basic, and how to give them a license:
    to the inviter while they still manage the business (as for every answer), else to its
    owner, since someone has to give the license."""
    inviter = invitation.invited_by
    reader = inviter if still_manages(inviter, invitation.account_id) else owner_of(account.id)
    if reader is None:
        return
    queue_email(
        "joined_without_license",
        reader.email,
        account_id=invitation.account_id,
        locale=person_locale(reader),
        invitation_id=invitation.id,
        context={
            "inviter_name": reader.display_name,
            "invitee_email": invitation.email,
            "invitee_name": who.name or invitation.name,
            "business": account.name,
            "seats": account.license_seats,
            "new_account": new_account,
            # Not the reader's own invitation: the words say "an invitation", not "your".
            "for_owner": reader is not inviter,
        },
    )


def tell_inviter_of_joining(
    invitation: Invitation,
    account: Account,
    who: User,
    joined_as_basic: bool,
    *,
    new_account: bool = False,
) -> None:
    """The inviter hears that the person joined (`new_account`: with an account made as they
    accepted, so no "as before"). The no-license email says so too (and what to do), so it
    replaces the plain one rather than arriving beside it."""
    if joined_as_basic:
        tell_inviter_no_license_was_free(invitation, account, who, new_account=new_account)
        return
    tell_inviter(invitation, account, joined_as=UserType(who.user_type),
                 locale=person_locale(invitation.invited_by), new_account=new_account)


def tell_owner_no_license_was_free(kind: str, account: Account, who: User, **extra) -> None:
    """Queue `kind` (single sign-on's or SCIM's) to the owner: `who` should have been Licensed
    but every license was taken, so they are Basic for now."""
    owner = owner_of(account.id)
    if owner is None:
        return
    queue_email(
        kind,
        owner.email,
        account_id=account.id,
        locale=owner.locale or account.default_locale,
        context={
            "owner_name": owner.display_name,
            "member_email": who.email,
            "member_name": who.name,
            "business": account.name,
            "seats": account.license_seats,
            **extra,
        },
    )
