// A disabled account's API keys and users are known, and refused: the API answers 403
// `account_disabled`, and sign-in tells the person why instead of "wrong password".
import { ApiError } from "@/lib/http/errors";

export const accountDisabled = () => new ApiError("account_disabled", "this account is disabled: ask your operator to enable it again");

/** The sign-in error next-auth hands to the form for a user of a disabled account. */
export const ACCOUNT_DISABLED_SIGN_IN = "AccountDisabled";
