import type { PartnerRequestView, PersonView } from "../domain/partnerContext.js";
import type { OutgoingMail, PartnerMailComposer, PartnerMailLinks } from "../domain/partnerMail.js";
import { escapeHtml } from "../html.js";

/**
 * The bridge's partner mails: a new request, and a request accepted. Names come from other
 * learners, so they are treated as hostile: one line, bounded, HTML-escaped in the HTML part;
 * nodemailer encodes the headers.
 */
const NAME_MAX_CHARACTERS = 80;

/** A display name fit for a subject line: no control or bidi-override characters, bounded. */
export function mailSafeName(person: PersonView): string {
  const cleaned = (person.displayName || person.userId)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const chars = [...(cleaned || person.userId)];
  return chars.length > NAME_MAX_CHARACTERS
    ? `${chars.slice(0, NAME_MAX_CHARACTERS - 1).join("")}…`
    : chars.join("");
}

function compose(
  to: string,
  subject: string,
  lines: { text: string; html: string }[],
  action: { label: string; url: string },
  links: PartnerMailLinks,
): OutgoingMail {
  const footer = "You get this mail because you added this address to your Xstream account.";
  const text = [
    ...lines.map((line) => line.text),
    "",
    `${action.label}: ${action.url}`,
    "",
    "--",
    footer,
    `Stop partner mails: ${links.unsubscribeUrl}`,
    `Email settings: ${links.settingsUrl}`,
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:sans-serif">${lines
    .map((line) => `<p>${line.html}</p>`)
    .join("")}<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>
<hr><p style="color:#666;font-size:small">${escapeHtml(footer)}<br><a href="${escapeHtml(
    links.unsubscribeUrl,
  )}">Stop partner mails</a> · <a href="${escapeHtml(links.settingsUrl)}">Email settings</a></p></body></html>`;
  return { to, subject, text, html, unsubscribeUrl: links.unsubscribeUrl };
}

export function requestReceivedMail(
  to: string,
  request: PartnerRequestView,
  links: PartnerMailLinks,
): OutgoingMail {
  const name = mailSafeName(request.requester);
  return compose(
    to,
    `${name} would like to be your language partner`,
    [
      {
        text: `${name} (${request.requester.userId}) asked to practise with you on Xstream.`,
        html: `<strong>${escapeHtml(name)}</strong> (${escapeHtml(request.requester.userId)}) asked to practise with you on Xstream.`,
      },
    ],
    { label: "Accept or decline", url: `${links.publicUrl}/partners/requests` },
    links,
  );
}

export function requestAcceptedMail(
  to: string,
  request: PartnerRequestView,
  roomId: string | null,
  links: PartnerMailLinks,
): OutgoingMail {
  const name = mailSafeName(request.recipient);
  return compose(
    to,
    `${name} accepted your partner request`,
    [
      {
        text: `${name} (${request.recipient.userId}) is now your language partner. Say hello!`,
        html: `<strong>${escapeHtml(name)}</strong> (${escapeHtml(request.recipient.userId)}) is now your language partner. Say hello!`,
      },
    ],
    {
      label: "Open the chat",
      url: roomId
        ? `${links.publicUrl}/rooms/${encodeURIComponent(roomId)}`
        : `${links.publicUrl}/partners`,
    },
    links,
  );
}

export const partnerMailComposer: PartnerMailComposer = {
  requestReceived: requestReceivedMail,
  requestAccepted: requestAcceptedMail,
};
