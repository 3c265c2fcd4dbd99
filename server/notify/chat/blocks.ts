/**
 * Slack Block Kit messages about a request: what an approver needs to decide in chat (case,
 * suspects, scope in plain words, policy progress, expiry) and the buttons. High and critical
 * risk get only "Open in Casefile": those approvals need a fresh second factor there.
 */
export type RequestCard = {
  requestId: string;
  paramsHash: string;
  caseKey: string;
  caseTitle: string;
  actionTitle: string;
  riskTier: "low" | "medium" | "high" | "critical";
  requesterName: string;
  suspects: string[];
  scope: string;
  progress: string;
  expiresAt: Date;
  link: string;
};

export const APPROVE = "casefile.approve";
export const DENY = "casefile.deny";
export const OPEN = "casefile.open";

export const decidableInChat = (tier: RequestCard["riskTier"]) => tier === "low" || tier === "medium";

type Block = Record<string, unknown>;

const text = (t: string) => ({ type: "mrkdwn", text: t });

/** Chat markup characters in our text are shown, not interpreted. */
export function plain(t: string): string {
  return t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function facts(card: RequestCard): Block[] {
  return [
    {
      type: "section",
      text: text(
        `*${plain(card.caseKey)}* · ${plain(card.caseTitle)}\n*${plain(card.actionTitle)}* — ${card.riskTier} risk, requested by ${plain(card.requesterName)}`,
      ),
    },
    {
      type: "section",
      fields: [
        text(`*Suspects*\n${card.suspects.length ? plain(card.suspects.join(", ")) : "none named"}`),
        text(`*Approvals*\n${plain(card.progress)}`),
        text(`*Scope*\n${plain(card.scope)}`),
        text(`*Decide before*\n${card.expiresAt.toISOString().replace("T", " ").slice(0, 16)} UTC`),
      ],
    },
  ];
}

const value = (card: RequestCard) => `${card.requestId}:${card.paramsHash}`;

export function requestMessage(card: RequestCard): { text: string; blocks: Block[] } {
  const open = {
    type: "button",
    action_id: OPEN,
    text: { type: "plain_text", text: "Open in Casefile" },
    url: card.link,
  };
  const buttons = decidableInChat(card.riskTier)
    ? [
        {
          type: "button",
          action_id: APPROVE,
          style: "primary",
          text: { type: "plain_text", text: "Approve" },
          value: value(card),
        },
        {
          type: "button",
          action_id: DENY,
          style: "danger",
          text: { type: "plain_text", text: "Deny" },
          value: value(card),
        },
        open,
      ]
    : [open];
  return {
    text: `[${card.caseKey}] Approval needed: ${card.actionTitle} (${card.riskTier} risk)`,
    blocks: [
      ...facts(card),
      ...(decidableInChat(card.riskTier)
        ? []
        : [
            {
              type: "context",
              elements: [text("High risk: approve in Casefile with a fresh second factor.")],
            },
          ]),
      { type: "actions", block_id: `casefile:${card.requestId}`, elements: buttons },
    ],
  };
}

/** The message as it stands after a decision: the buttons give way to the outcome. */
export function outcomeMessage(card: RequestCard, outcome: string): Record<string, unknown> {
  return {
    replace_original: true,
    text: `[${card.caseKey}] ${outcome}`,
    blocks: [
      ...facts(card),
      { type: "section", text: text(`*${plain(outcome)}*`) },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            action_id: OPEN,
            text: { type: "plain_text", text: "Open in Casefile" },
            url: card.link,
          },
        ],
      },
    ],
  };
}

/** A reply only the person who pressed sees; the original message stays. */
export function ephemeral(message: string, link?: string): Record<string, unknown> {
  return {
    response_type: "ephemeral",
    replace_original: false,
    text: link ? `${message} ${link}` : message,
  };
}

/** After one approval of several: the message keeps its buttons for the next approver. */
export function progressMessage(card: RequestCard, words: string): Record<string, unknown> {
  const message = requestMessage(card);
  const [actions, ...before] = [...message.blocks].reverse();
  return {
    replace_original: true,
    text: message.text,
    blocks: [
      ...before.reverse(),
      { type: "context", elements: [text(plain(words))] },
      ...(actions ? [actions] : []),
    ],
  };
}
