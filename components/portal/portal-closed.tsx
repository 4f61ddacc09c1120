// What a portal link shows when it opens nothing: expired, or not a link we signed (or its
// account is disabled). It names no account and shows no data.
export type PortalClosedReason = "expired" | "invalid";

const TEXT: Record<PortalClosedReason, { title: string; body: string }> = {
  expired: {
    title: "This link has expired",
    body: "Portal links work for a limited time. Ask the service that sent you here for a new link.",
  },
  invalid: {
    title: "Invalid link",
    body: "This portal link is not valid: it may have been changed or cut short, or it is no longer in use. Ask the service that sent you here for a new link.",
  },
};

export function PortalClosed({ reason }: { reason: PortalClosedReason }) {
  const { title, body } = TEXT[reason];
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div role="alert" className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 text-center shadow-sm sm:p-8">
        <div aria-hidden className="mx-auto mb-4 flex size-11 items-center justify-center rounded-full bg-amber-50 text-amber-600">
          <svg viewBox="0 0 20 20" fill="currentColor" className="size-6">
            {reason === "expired" ? (
              <path fillRule="evenodd" d="M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16Zm.75-13a.75.75 0 0 0-1.5 0v5c0 .2.08.39.22.53l3 3a.75.75 0 1 0 1.06-1.06l-2.78-2.78V5Z" clipRule="evenodd" />
            ) : (
              <path fillRule="evenodd" d="M8.5 2.75a1.75 1.75 0 0 1 3 0l6.25 11.5A1.75 1.75 0 0 1 16.25 17H3.75a1.75 1.75 0 0 1-1.5-2.75l6.25-11.5ZM10 7a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0 1 10 7Zm0 7.5a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z" clipRule="evenodd" />
            )}
          </svg>
        </div>
        <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
        <p className="mt-2 text-sm text-slate-600">{body}</p>
      </div>
    </main>
  );
}
