// Outgoing mail behind one small adapter: nodemailer to SMTP_URL, or — with no SMTP_URL, for local
// use — the message written to the log, so the verification and reset links can still be followed.
// nodemailer is imported on the first mail sent, so a server without SMTP_URL never loads it.
import type { Transporter } from 'nodemailer';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { onFirstUse } from '../on-first-use.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative of `text` (mail clients show one of the two). */
  html?: string;
}

export interface Mailer {
  /** `log` is the request's logger, so a mail written to the log carries the request id. */
  send(mail: Mail, log?: Logger): Promise<void>;
}

export function createMailer(config: Config, log: Logger): Mailer {
  const { smtpUrl, from } = config.mail;
  if (!smtpUrl) {
    return {
      send(mail, requestLog) {
        (requestLog ?? log).info({ mail: { from, ...mail } }, 'mail not sent (SMTP_URL is not set); written to the log instead');
        return Promise.resolve();
      },
    };
  }
  const transport = onFirstUse<Transporter>(() =>
    import('nodemailer').then(({ default: nodemailer }) =>
      // Bounded waits: a mail server that hangs must not hold requests (nodemailer waits minutes by default).
      nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 }),
    ),
  );
  return {
    async send(mail) {
      await (await transport()).sendMail({ from, ...mail });
    },
  };
}
