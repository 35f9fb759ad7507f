package dev.faas.node.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.node.it.FaasClient;
import dev.faas.node.it.FaasClient.Reply;
import dev.faas.node.it.FunctionImages;
import dev.faas.node.it.NodeProcess;
import dev.faas.node.it.TestCluster;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's chromium, headless, through its chromedriver)
 * against a real node: sign up, create a function, invoke it and read its result and logs, edit
 * it, have a concurrent edit refused, browse activations, usage, keys and registries, delete it;
 * and the page's hardening: its Content-Security-Policy is in force and no token is kept in the
 * browser's storage.
 *
 * <p>With {@code -Dfaas.console.screenshots=<dir>} (scripts/console-screenshots.sh) it saves
 * screenshots of the main pages there, the ones docs/console.md shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {
  private static final Duration PAGE = Duration.ofSeconds(20);
  private static final Duration INVOKE = Duration.ofSeconds(60);
  private static final String USER = "console-user";
  private static final String PASSWORD = "console-password-1";

  @TempDir static Path dir;
  private TestCluster cluster;
  private NodeProcess node;
  private HttpClient http;
  private ChromeDriver browser;
  private String image;
  private Path screenshots;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start(dir, ConsoleIT.class);
    node = cluster.startAllInOne(Map.of());
    // The browser, the image and the node start side by side: each takes seconds.
    CompletableFuture<ChromeDriver> starting = CompletableFuture.supplyAsync(ConsoleIT::startBrowser);
    try {
      image =
          FunctionImages.withCommand(
              "console-echo", "[\"sh\",\"-c\",\"echo 'log: started' >&2; cat\"]");
      http = TestCluster.awaitReady(node);
    } finally {
      browser = starting.join();
    }
    String target = System.getProperty("faas.console.screenshots", "");
    screenshots = target.isBlank() ? null : Files.createDirectories(Path.of(target));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  private static ChromeDriver startBrowser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // as root in CI, where the setuid sandbox is not available
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--lang=en-US");
    // The node's certificate is self-signed, made on its first start.
    options.setAcceptInsecureCerts(true);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  @Test
  void theConsoleServesItsPageWithAStrictPolicy() throws Exception {
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create(node.baseUrl() + "/console")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
    for (String directive :
        List.of("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")) {
      assertTrue(csp.contains(directive), csp);
    }
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
  }

  /** Desktop size; taller when taking screenshots, so a page's outcome is in the picture. */
  private Dimension desktop() {
    return new Dimension(1280, screenshots == null ? 900 : 1250);
  }

  @Test
  void signUpCreateInvokeEditConflictAndDelete() throws Exception {
    browser.manage().window().setSize(desktop());
    browser.get(node.baseUrl() + "/console");
    WebElement username = await(By.id("signup-username"));
    assertEquals(List.of(), browser.findElements(By.cssSelector("[style]")), "inline styles");
    shot("sign-in");
    // By keyboard: type, Tab to the password, Enter submits.
    username.sendKeys(USER, Keys.TAB, PASSWORD, Keys.ENTER);
    awaitTitle("Functions");

    // The token is in a variable of the page's script, nowhere the browser keeps.
    Object kept =
        js("return [localStorage.length, sessionStorage.length, document.cookie,"
            + " Object.keys(localStorage).join(), Object.keys(sessionStorage).join()];");
    assertEquals(List.of(0L, 0L, "", "", ""), kept);
    // The policy is in force: HTML from a string is refused (Trusted Types), whoever tries.
    Object refused =
        js("try { document.createElement('div').innerHTML = '<b>x</b>'; return 'allowed'; }"
            + " catch (e) { return e.name; }");
    assertEquals("TypeError", refused);

    FaasClient api = FaasClient.logIn(http, node.baseUrl(), USER, PASSWORD);

    // Create.
    await(By.id("new-function")).click();
    awaitTitle("New function");
    browser.findElement(By.id("fn-name")).sendKeys("echo");
    browser.findElement(By.id("fn-image")).sendKeys(image);
    shot("function-new");
    WebElement newMemory = browser.findElement(By.id("fn-memory"));
    newMemory.clear();
    newMemory.sendKeys("1");
    browser.findElement(By.id("fn-save")).click();
    // The problem body, readable, and the focus on the field it names.
    WebElement invalid = await(By.cssSelector("#fn-outcome .problem"));
    assertTrue(invalid.getText().contains("validation"), invalid.getText());
    assertTrue(invalid.getText().contains("memoryMb"), invalid.getText());
    assertEquals("fn-memory", browser.switchTo().activeElement().getAttribute("id"));
    shot("function-invalid");
    newMemory.clear();
    newMemory.sendKeys("128");
    browser.findElement(By.id("fn-save")).click();
    awaitTitle("Invoke echo");
    assertEquals(200, api.get("/v1/functions/echo").status());

    // Invoke: the result, the logs, the status and the timings.
    browser.findElement(By.id("invoke-parameter")).sendKeys("hello console");
    browser.findElement(By.id("invoke-submit")).click();
    new WebDriverWait(browser, INVOKE)
        .until(ExpectedConditions.presenceOfElementLocated(By.id("record-result")));
    assertEquals("hello console", browser.findElement(By.id("record-result")).getText());
    assertTrue(
        browser.findElement(By.id("record-logs")).getText().contains("log: started"),
        browser.findElement(By.id("record-logs")).getText());
    assertEquals(
        "success",
        browser.findElement(By.cssSelector(".record-status [data-status]")).getAttribute("data-status"));
    for (String timing : List.of("queued", "container", "run", "total")) {
      String value =
          browser.findElement(By.cssSelector("[data-timing='" + timing + "']")).getText();
      assertTrue(value.endsWith(" ms"), timing + ": " + value);
    }
    js("document.getElementById('invoke-parameter').scrollIntoView();");
    shot("invoke");

    // Edit: the form carries the revision it was read at.
    browser.findElement(By.linkText("Edit")).click();
    awaitTitle("Edit echo");
    WebElement memory = browser.findElement(By.id("fn-memory"));
    memory.clear();
    memory.sendKeys("64");
    browser.findElement(By.id("fn-save")).click();
    await(By.id("fn-saved"));
    assertEquals(64, api.get("/v1/functions/echo").json().get("memoryMb").asInt());
    shot("function-edit");

    // A concurrent edit: the function changes behind the open form, whose save is then refused.
    Reply behind =
        api.call("PUT", "/v1/functions/echo", "{\"image\":\"" + image + "\",\"timeoutMs\":5000}");
    assertEquals(200, behind.status(), behind.text());
    WebElement description = browser.findElement(By.id("fn-description"));
    description.sendKeys("lost edit");
    browser.findElement(By.id("fn-save")).click();
    WebElement problem = await(By.cssSelector("#fn-outcome .problem"));
    assertTrue(problem.getText().contains("Someone changed this function"), problem.getText());
    assertTrue(problem.getText().contains("precondition-failed"), problem.getText());
    assertTrue(problem.getText().contains("412"), problem.getText());
    JsonNode current = api.get("/v1/functions/echo").json();
    assertEquals("", current.get("description").asText());
    assertEquals(5000, current.get("timeoutMs").asInt());
    shot("function-conflict");
    browser.findElement(By.id("fn-reload")).click();
    new WebDriverWait(browser, PAGE)
        .ignoring(StaleElementReferenceException.class)
        .until(d -> "5000".equals(d.findElement(By.id("fn-timeout")).getAttribute("value")));

    // Activations: listed for the function, and one in full.
    browser.get(node.baseUrl() + "/console#/activations?function=echo");
    awaitTitle("Activations");
    WebElement first = await(By.cssSelector("table tbody tr th a"));
    shot("activations");
    first.click();
    awaitTitle("Activation of echo");
    assertEquals("hello console", await(By.id("record-result")).getText());
    shot("activation");

    // Usage against limits.
    browser.findElement(By.linkText("Usage")).click();
    awaitTitle("Usage and limits");
    String functions = await(By.cssSelector("[data-gauge='usage-functions']")).getText();
    assertTrue(functions.startsWith("1 of "), functions);
    shot("usage");

    // An API key, shown once, then revoked.
    browser.findElement(By.linkText("API keys")).click();
    awaitTitle("API keys");
    browser.findElement(By.id("key-name")).sendKeys("ci");
    browser.findElement(By.id("key-create")).click();
    String key = await(By.id("key-secret")).getAttribute("value");
    assertTrue(key.startsWith("fk_"), key);
    assertEquals(200, api.withBearer(key).get("/v1/auth/verify").status());
    browser.findElement(By.xpath("//button[text()='Done, I kept it']")).click();
    WebElement revoke = await(By.cssSelector("button[aria-label='Revoke key ci']"));
    assertFalse(browser.getPageSource().contains(key), "the key is shown again");
    shot("keys");
    revoke.click();
    awaitNotice("Revoked key ci.");
    assertEquals(401, api.withBearer(key).get("/v1/auth/verify").status());

    // Registry credentials: added, listed without the password, removed.
    browser.findElement(By.linkText("Registries")).click();
    awaitTitle("Registry credentials");
    browser.findElement(By.id("registry-host")).sendKeys("registry.example:5000");
    browser.findElement(By.id("registry-username")).sendKeys("ci-bot");
    browser.findElement(By.id("registry-password")).sendKeys("s3cret-pass");
    browser.findElement(By.id("registry-save")).click();
    WebElement remove =
        await(By.cssSelector("button[aria-label='Remove credentials for registry.example:5000']"));
    assertFalse(browser.getPageSource().contains("s3cret-pass"));
    shot("registries");
    remove.click();
    awaitNotice("Removed credentials for registry.example:5000.");
    assertEquals(0, api.get("/v1/registries").json().get("registries").size());

    // Phone width: nothing wider than the screen.
    browser.manage().window().setSize(new Dimension(390, 844));
    browser.findElement(By.linkText("Functions")).click();
    awaitTitle("Functions");
    Object overflow = js("return document.documentElement.scrollWidth - window.innerWidth;");
    assertTrue(((Number) overflow).longValue() <= 0, "wider than the screen by " + overflow);
    shot("functions-phone");
    browser.manage().window().setSize(desktop());
    shot("functions");

    // Delete, confirmed.
    browser.findElement(By.cssSelector("button[data-delete='echo']")).click();
    await(By.cssSelector("button[data-confirm-delete='echo']")).click();
    awaitNotice("Deleted echo.");
    assertEquals(404, api.get("/v1/functions/echo").status());
    assertTrue(browser.findElements(By.cssSelector("tr[data-function='echo']")).isEmpty());
  }

  private WebElement await(By locator) {
    return new WebDriverWait(browser, PAGE)
        .until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  private void awaitNotice(String text) {
    new WebDriverWait(browser, PAGE)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), text));
  }

  /** Waits for the page whose heading is {@code title}, with the focus on that heading. */
  private void awaitTitle(String title) {
    new WebDriverWait(browser, PAGE)
        .withMessage(() -> "page " + title + "; showing: " + browser.findElement(By.id("main")).getText())
        .ignoring(StaleElementReferenceException.class) // the page re-rendered meanwhile
        .until(
            d -> {
              WebElement focused = d.switchTo().activeElement();
              return "h1".equals(focused.getTagName()) && title.equals(focused.getText());
            });
  }

  private Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private void shot(String name) throws Exception {
    if (screenshots == null) {
      return;
    }
    File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(png.toPath(), screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
