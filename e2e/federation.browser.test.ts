// Web learners of two organisations, each in their own organisation's web client, in one room
// over federation: messages with names, typing, receipts, reactions, edits, corrections, an image
// and a voice message all cross between the two homeservers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import { control, expectMovingPicture, remoteAudioStates, tile } from "./call-page.ts";
import { startTestFederation, type TestFederation, type TestStack } from "./harness.ts";
import { type BrowserPage, type Learner, signedInInRoom, signUpLearner } from "./learners.ts";
import { eventually, matrixRequest } from "./matrix.ts";
import { makePng } from "./png.ts";
import { expectPictureLoaded, message, messageAction, messages, send } from "./room-page.ts";

// Fake media: the voice message records Chromium's fake microphone.
const chromium = useChromium({ fakeMedia: true });
const CROSSING_MS = 30_000;

let federation: TestFederation;

beforeAll(async () => {
  federation = await startTestFederation();
}, 420_000);

afterAll(async () => {
  await federation?.stop();
});

/** `guest` of B joins the room once A's invite has reached B. */
async function joinOverFederation(b: TestStack["info"], guest: Learner, roomId: string) {
  await eventually(
    () =>
      matrixRequest(b.publicUrl, "POST", `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {
        token: guest.matrix.accessToken,
        body: {},
      }),
    `${guest.matrix.userId} to join ${roomId} over federation`,
    CROSSING_MS,
  );
}

describe("web learners of two organisations in one room", () => {
  let ana: Learner;
  let ben: Learner;
  let a: BrowserPage;
  let b: BrowserPage;

  beforeAll(async () => {
    const [stackA, stackB] = [federation.a.info, federation.b.info];
    [ana, ben] = await Promise.all([
      signUpLearner(stackA, "Ana Lima"),
      signUpLearner(stackB, "Ben Okafor"),
    ]);
    const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
      stackA.publicUrl,
      "POST",
      "/_matrix/client/v3/createRoom",
      {
        token: ana.matrix.accessToken,
        body: { preset: "private_chat", is_direct: true, invite: [ben.matrix.userId] },
      },
    );
    await joinOverFederation(stackB, ben, roomId);
    [a, b] = await Promise.all([
      signedInInRoom(chromium(), stackA, ana, roomId),
      signedInInRoom(chromium(), stackB, ben, roomId, { colorScheme: "dark" }),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.context.close(), b?.context.close()]);
  });

  it("delivers messages both ways, with the sender's name from their own homeserver", async () => {
    expect(ben.matrix.userId).toMatch(new RegExp(`:${federation.b.info.serverName}$`));
    await send(a.page, "Olá Ben, de outra organização!");
    const onB = message(b.page, "de outra organização");
    await onB.waitFor({ timeout: CROSSING_MS });
    await expect(onB.textContent()).resolves.toContain("Ana Lima");
    await send(b.page, "Hello Ana, from server B");
    const onA = message(a.page, "from server B");
    await onA.waitFor({ timeout: CROSSING_MS });
    await expect(onA.textContent()).resolves.toContain("Ben Okafor");
  });

  it("shows typing and read receipts across the servers", async () => {
    const box = b.page.getByRole("textbox", { name: "Message" });
    await box.pressSequentially("A escrever", { delay: 20 });
    await expect
      .poll(() => a.page.locator(".typing-line").textContent(), { timeout: CROSSING_MS })
      .toBe("Ben Okafor is typing…");
    await box.press("Enter");
    await message(a.page, "A escrever").waitFor({ timeout: CROSSING_MS });

    await send(a.page, "Did this reach server B?");
    await message(b.page, "Did this reach server B?").waitFor({ timeout: CROSSING_MS });
    await message(a.page, "Did this reach server B?")
      .getByRole("img", { name: "Read by Ben Okafor" })
      .waitFor({ timeout: CROSSING_MS });
  });

  it("carries reactions, edits and corrections both ways", async () => {
    await messageAction(message(b.page, "Did this reach server B?"), "React with 👍");
    await message(a.page, "Did this reach server B?")
      .getByRole("button", { name: "👍 1 reaction from Ben Okafor" })
      .waitFor({ timeout: CROSSING_MS });

    await send(a.page, "I goes to the beach tomorrow");
    await message(b.page, "I goes to the beach tomorrow").waitFor({ timeout: CROSSING_MS });
    await messageAction(message(a.page, "I goes to the beach tomorrow"), "Edit");
    const anaBox = a.page.getByRole("textbox", { name: "Message" });
    await anaBox.fill("I go to the beach on Sunday");
    await anaBox.press("Enter");
    const edited = message(b.page, "I go to the beach on Sunday");
    await edited.waitFor({ timeout: CROSSING_MS });
    await expect(edited.textContent()).resolves.toContain("(edited)");

    await send(a.page, "Eu gosto de praia muito");
    const original = message(b.page, "Eu gosto de praia muito");
    await original.waitFor({ timeout: CROSSING_MS });
    await messageAction(original, "Correct");
    const benBox = b.page.getByRole("textbox", { name: "Message" });
    await benBox.fill("Eu gosto muito da praia");
    await benBox.press("Enter");
    const correction = message(a.page, "Eu gosto de praia muito").getByRole("region", {
      name: "Correction by Ben Okafor",
    });
    await correction.waitFor({ timeout: CROSSING_MS });
    await expect(correction.locator("ins").allTextContents()).resolves.toEqual(
      expect.arrayContaining([expect.stringContaining("da")]),
    );
  });

  it("carries an image and a voice message through authenticated media over federation", async () => {
    await a.page
      .getByLabel("Files to send")
      .setInputFiles({ name: "harbour.png", mimeType: "image/png", buffer: makePng(320, 240) });
    await expectPictureLoaded(
      messages(a.page).getByRole("img", { name: "harbour.png" }),
      CROSSING_MS,
    );
    // Ben's homeserver fetches the picture from Ana's over federation.
    await expectPictureLoaded(
      messages(b.page).getByRole("img", { name: "harbour.png" }),
      CROSSING_MS,
    );

    await a.page.getByRole("button", { name: "Record voice message" }).click();
    const timer = a.page.getByRole("timer", { name: "Recording time" });
    await expect.poll(() => timer.textContent(), { timeout: 15_000 }).toBe("0:02");
    await a.page.getByRole("button", { name: "Stop" }).click();
    await a.page.getByLabel("Your recording").waitFor({ timeout: 15_000 });
    await a.page.getByRole("button", { name: "Send voice message" }).click();
    const voice = message(b.page, "Voice message");
    await voice.waitFor({ timeout: CROSSING_MS });
    await expect
      .poll(
        () =>
          voice.locator("audio").evaluate((element) => (element as HTMLAudioElement).readyState),
        { timeout: CROSSING_MS },
      )
      .toBeGreaterThanOrEqual(1);
    await b.page.screenshot({ path: artifactPath("federation-media-dark.png") });
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it("connects a video call across the organisations on the caller's LiveKit", async () => {
    // MatrixRTC meets on the oldest membership's focus: Ana calls, so both use A's token
    // service and LiveKit; Ben's token comes from A with an OpenID token from B.
    await a.page.getByRole("button", { name: "Start video call" }).click();
    const prompt = b.page.getByRole("alertdialog", { name: "Ana Lima is calling" });
    await prompt.waitFor({ timeout: CROSSING_MS });
    await prompt.getByRole("button", { name: "Accept" }).click();
    await expectMovingPicture(tile(a.page, "Ben Okafor"));
    await expectMovingPicture(tile(b.page, "Ana Lima"));
    for (const page of [a.page, b.page]) {
      await expect.poll(() => remoteAudioStates(page), { timeout: 20_000 }).toEqual(["live"]);
    }
    await b.page.screenshot({ path: artifactPath("federation-call-b.png") });
    await control(a.page, "Leave call").click();
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});
